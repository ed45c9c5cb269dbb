using BtrfsToS3.Shared.SendStream;

namespace BtrfsToS3.Tests.Shared.SendStream;

/// <summary>A sink that keeps every command, in order.</summary>
internal sealed class CollectingSink : ISendCommandSink
{
    public List<SendCommand> Commands { get; } = [];

    public void OnCommand(SendCommand command) => Commands.Add(command);

    /// <summary>Parses <paramref name="stream"/> fed in blocks of the sizes <paramref name="blockSizes"/> yields (the
    /// last size repeating), then finishes it.</summary>
    public static List<SendCommand> Parse(byte[] stream, IEnumerable<int> blockSizes)
    {
        var sink = new CollectingSink();
        var parser = new SendStreamParser(sink);
        using IEnumerator<int> sizes = blockSizes.GetEnumerator();
        int size = 1;
        for (int offset = 0; offset < stream.Length; offset += size)
        {
            if (sizes.MoveNext())
            {
                size = sizes.Current;
            }

            parser.Feed(stream.AsSpan(offset, Math.Min(size, stream.Length - offset)));
        }

        parser.Finish();
        return sink.Commands;
    }

    public static List<SendCommand> Parse(byte[] stream) => Parse(stream, [stream.Length]);
}
