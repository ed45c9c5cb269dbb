namespace BtrfsToS3.Shared.Publishing;

/// <summary>
/// The manifest's word for the stream's catalog object: where it is, which version of its key (null where the bucket
/// keeps none), and what its stored bytes must hash to. A signed manifest so signs its catalog.
/// </summary>
internal sealed record ManifestCatalog(string Key, long Size, string Sha256, string? Version = null);
