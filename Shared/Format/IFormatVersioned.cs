namespace BtrfsToS3.Shared.Format;

/// <summary>
/// Every file and object of docs/FORMAT.md carries its format version, which a reader checks before trusting it, and
/// checks its own fields against their grammar (<see cref="FieldCheck"/>) as soon as it is read.
/// </summary>
internal interface IFormatVersioned
{
    int FormatVersion { get; }

    /// <summary>Throws bad data (<see cref="FieldCheck.Violation"/>) at the first field that breaks its rule.</summary>
    void Validate(FieldCheck check);
}
