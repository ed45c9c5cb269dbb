using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of the local S3 server, for what a test must see or break on the wire: it records
/// the header block of every HTTP request it forwards, can throttle the bytes sent upstream, can stall every
/// connection, and can cut every connection (an outage) until restored.
/// </summary>
internal sealed class TcpProxy : IDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];
    private readonly List<TcpClient> _open = [];
    private volatile bool _down;
    private long _upstreamBytes;

    public TcpProxy(Uri upstream)
    {
        _upstream = new IPEndPoint(
            IPAddress.Parse(upstream.Host == "localhost" ? "127.0.0.1" : upstream.Host),
            upstream.Port
        );
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Bytes per second forwarded upstream per connection; 0 for no limit.</summary>
    public int UpstreamBytesPerSecond { get; set; }

    /// <summary>Bytes per second forwarded back to the client per connection (downloads); 0 for no limit.</summary>
    public int DownstreamBytesPerSecond { get; set; }

    /// <summary>
    /// While true, connections stay open (and new ones are accepted) but no byte moves either way: a stalled link, as a
    /// NAT that forgot the connection or a peer that vanished leaves it, which only the client's timeout can end.
    /// </summary>
    public bool Stalled { get; set; }

    /// <summary>
    /// When set, the first request whose header block matches cuts the link before that request is forwarded, as a link
    /// that drops at exactly that step of a run; the link stays cut until <see cref="Restore"/>.
    /// </summary>
    public Func<string, bool>? CutAtRequest { get; set; }

    /// <summary>Bytes forwarded to the server so far, headers included: what the uplink carried.</summary>
    public long UpstreamBytes => Interlocked.Read(ref _upstreamBytes);

    /// <summary>The request lines and headers seen so far, one string per request.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Cuts every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _down = true;
        lock (_open)
        {
            foreach (TcpClient client in _open)
            {
                Reset(client);
            }

            _open.Clear();
        }
    }

    public void Restore() => _down = false;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
    }

    /// <summary>Closes with a TCP reset, as a dropped link looks to the client.</summary>
    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or NullReferenceException)
        {
            // Already closed.
        }

        client.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_down)
            {
                Reset(client);
                continue;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_upstream, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            NetworkStream down = client.GetStream();
            NetworkStream up = upstream.GetStream();
            Task toServer = PumpAsync(down, up, record: true);
            Task toClient = PumpAsync(up, down, record: false);
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception e)
            when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A cut connection ends here; the client sees the reset.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to, bool record)
    {
        byte[] buffer = new byte[64 * 1024];
        var parser = new RequestParser(this);
        while (true)
        {
            int limit = record ? UpstreamBytesPerSecond : DownstreamBytesPerSecond;
            int n = await from.ReadAsync(
                buffer.AsMemory(0, limit > 0 ? Math.Min(buffer.Length, Math.Max(1, limit / 10)) : buffer.Length),
                _stop.Token
            );
            if (n == 0)
            {
                return;
            }

            while (Stalled)
            {
                await Task.Delay(50, _stop.Token);
            }

            if (record)
            {
                parser.Feed(buffer.AsSpan(0, n));
            }

            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            if (record)
            {
                Interlocked.Add(ref _upstreamBytes, n);
            }

            if (limit > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(n / (double)limit), _stop.Token);
            }
        }
    }

    private void Add(string request)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        if (CutAtRequest?.Invoke(request) == true)
        {
            CutAtRequest = null;
            Cut();
        }
    }

    /// <summary>Splits a client's byte stream into requests: a header block up to the blank line, then Content-Length
    /// bytes.</summary>
    private sealed class RequestParser(TcpProxy proxy)
    {
        private readonly StringBuilder _header = new();
        private long _bodyLeft;

        public void Feed(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                if (_bodyLeft > 0)
                {
                    int skip = (int)Math.Min(_bodyLeft, data.Length);
                    _bodyLeft -= skip;
                    data = data[skip..];
                    continue;
                }

                _header.Append((char)data[0]);
                data = data[1..];
                if (
                    _header.Length >= 4
                    && _header[^1] == '\n'
                    && _header[^2] == '\r'
                    && _header[^3] == '\n'
                    && _header[^4] == '\r'
                )
                {
                    string request = _header.ToString(0, _header.Length - 4);
                    _header.Clear();
                    proxy.Add(request);
                    foreach (string line in request.Split("\r\n"))
                    {
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        {
                            _bodyLeft = long.Parse(
                                line["Content-Length:".Length..].Trim(),
                                System.Globalization.CultureInfo.InvariantCulture
                            );
                        }
                    }
                }
            }
        }
    }
}
