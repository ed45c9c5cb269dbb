namespace BtrfsToS3.Shared.Catalog;

/// <summary>One name of an inode that moved: its path before, and after.</summary>
internal sealed record TreeRename(string From, string To);
