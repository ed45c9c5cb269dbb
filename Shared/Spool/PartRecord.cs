namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// One upload part of a chunk as its bytes left <c>btrfs send</c>: the hex MD5 that S3 reports as the part's ETag and
/// checks as its Content-MD5, and the CRC-32 that S3 checks where it supports flexible checksums (as
/// <see cref="Hashing.S3Crc32"/> writes it). Part N is the Nth in the chunk record's list.
/// </summary>
internal sealed record PartRecord(string Md5, string Crc32);
