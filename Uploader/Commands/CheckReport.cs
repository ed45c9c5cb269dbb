using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// The lines <c>check</c> prints, one per setting or probe, and its exit code: a permission the uploader needs that S3
/// denied makes it 78, once every line is printed.
/// </summary>
internal sealed class CheckReport(TextWriter output)
{
    public int Code { get; private set; } = ExitCodes.Ok;

    public void Line(string label, string text) => output.WriteLine($"{label, -23} {text}");

    /// <summary>A line that fails the check with the exit code.</summary>
    public void Fail(string label, string text, int code)
    {
        Line(label, text);
        Code = ExitCodes.Worst(Code, code);
    }

    /// <summary>
    /// Runs a probe. When S3 denies it for want of a permission, prints the label with S3Errors' line naming the
    /// permission (and <paramref name="leftBehind"/>, what the refusal leaves in the bucket) and returns false: a
    /// permission the uploader <paramref name="needs"/> fails the check, one only this report uses does not.
    /// </summary>
    public async Task<(bool Ok, T Result)> TryAsync<T>(
        string label,
        bool needs,
        Func<Task<T>> probe,
        string? leftBehind = null
    )
    {
        try
        {
            return (true, await probe());
        }
        catch (BackupFailure denied) when (S3Errors.IsDenied(denied.InnerException))
        {
            string line = denied.Message + (leftBehind is null ? string.Empty : $"; {leftBehind}");
            if (needs)
            {
                Fail(label, $"DENIED: {line}", ExitCodes.Config);
            }
            else
            {
                Line(label, $"UNKNOWN (only check reads it): {line}");
            }

            return (false, default!);
        }
    }
}
