namespace BtrfsToS3.Shared.Spool;

/// <summary>Every file and object of docs/FORMAT.md carries its format version, which a reader checks before trusting it.</summary>
internal interface IFormatVersioned
{
    int FormatVersion { get; }
}
