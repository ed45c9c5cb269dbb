namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// One change of a random filesystem history: its kind and the numbers <see cref="FileHistoryWriter"/> resolves it
/// with against the tree as it is when it applies (<see cref="FileOperationKind"/> says which it reads). So a history
/// is made before its filesystem, always applies, and applies the same way to the same tree.
/// </summary>
internal sealed record FileOperation(
    FileOperationKind Kind,
    int Target,
    int Place,
    int Name,
    long Offset,
    long Length,
    long Value,
    int Variant
);
