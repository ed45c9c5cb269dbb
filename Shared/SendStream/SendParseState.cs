namespace BtrfsToS3.Shared.SendStream;

/// <summary>What <see cref="SendStreamParser"/> reads next.</summary>
internal enum SendParseState
{
    StreamHeader,
    CommandHeader,
    AttributeType,
    AttributeLength,
    AttributeValue,

    /// <summary>File data, checksummed where it lies in the fed block and never copied.</summary>
    Data,

    /// <summary>The end command was read: nothing may follow.</summary>
    Ended,

    /// <summary>A failure was thrown: the parser takes no more input.</summary>
    Failed,
}
