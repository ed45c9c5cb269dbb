namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>subvol</c> (a full stream) or <c>snapshot</c> (an incremental, of the parent <see cref="CloneUuid"/>
/// names): the snapshot the stream makes, named <see cref="CatalogCommand.Path"/>.</summary>
internal sealed record SubvolumeCommand(
    int Line,
    string Op,
    CatalogPath Path,
    string Uuid,
    long Ctransid,
    string? CloneUuid,
    long CloneCtransid
) : CatalogCommand(Line, Op, Path);
