namespace BtrfsToS3.Uploader.Status;

/// <summary>
/// The build that made a status report (<c>status --json</c>'s <c>written_by</c>): what <c>--version</c> says, field by
/// field, so that a monitoring agent can tell which hosts run which release without parsing the line.
/// </summary>
/// <param name="Commit">The commit's first seven hex digits; null for a build made outside git.</param>
internal sealed record WrittenBy(string Tool, string Version, string? Commit, string AwsSdk);
