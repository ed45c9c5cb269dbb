namespace BtrfsToS3.Shared.Publishing;

/// <summary>One chunk of a published stream: where it is and what it must hash to.</summary>
internal sealed record ManifestChunk(int Index, string Key, long Size, string Sha256, string Etag);
