namespace BtrfsToS3.Shared.Catalog;

/// <summary>One name of an inode: the directory holding it, by inode id, and the name there.</summary>
internal readonly record struct InodeLink(long Parent, EntryName Name);
