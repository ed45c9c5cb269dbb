namespace BtrfsToS3.Shared.IO;

/// <summary>How a short helper command ended, with what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The last line of stderr, which is where btrfs puts its reason.</summary>
    public string Reason => StandardError.Trim().Split('\n')[^1].Trim();
}
