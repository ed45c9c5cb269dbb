namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// Where a command's data lies in the stream: the parser never copies file data, so a reader that wants the bytes
/// takes them from the stream it fed, by offset.
/// </summary>
/// <param name="StreamOffset">The stream offset of the data's first byte.</param>
/// <param name="Length">Its length in bytes (encoded, for an encoded write).</param>
internal readonly record struct SendDataRange(long StreamOffset, int Length);
