using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>A catalog's first line: the stream it describes.</summary>
internal sealed record CatalogHeader(string Subvolume, string Stream, StreamKind Kind, int SendProtocol);
