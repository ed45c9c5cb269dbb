namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// One part of a chunk file to send: where its bytes are, and the checksums S3 checks them against on arrival — the MD5
/// always (Content-MD5, which every S3 server checks), the CRC-32 where the server has flexible checksums.
/// </summary>
/// <param name="Number">The part number, from 1; a single PUT is part 1 of 1.</param>
/// <param name="Md5">Hex MD5 of the part's bytes, as they left btrfs send.</param>
internal sealed record PartWrite(int Number, string Path, long Offset, long Length, string Md5, string? Crc32);
