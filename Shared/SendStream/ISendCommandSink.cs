namespace BtrfsToS3.Shared.SendStream;

/// <summary>What <see cref="SendStreamParser"/> hands each command to, in stream order.</summary>
internal interface ISendCommandSink
{
    /// <summary>
    /// Called once the command is whole and proven: its CRC-32C matches, its attributes are well formed and it has
    /// those its kind requires. Whatever it throws comes out of <see cref="SendStreamParser.Feed"/>, and the
    /// parser takes no more input.
    /// </summary>
    void OnCommand(SendCommand command);
}
