using System.Net;
using System.Net.Sockets;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// An HTTP server on 127.0.0.1 that records each request's method, path and body and answers with a chosen status: a
/// stand-in for healthchecks.io, for tests of the notifications.
/// </summary>
internal sealed class PingListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(string Method, string Path, string Body)> _requests = [];
    private readonly Task _serving;

    /// <param name="status">The status every request is answered with.</param>
    public PingListener(HttpStatusCode status = HttpStatusCode.OK)
    {
        Url = $"http://127.0.0.1:{FreePort()}/ping/5f3c";
        _listener.Prefixes.Add(new Uri(Url).GetLeftPart(UriPartial.Authority) + "/");
        _listener.Start();
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream);
                string body = await reader.ReadToEndAsync();
                lock (_gate)
                {
                    _requests.Add((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, body));
                }

                context.Response.StatusCode = (int)status;
                context.Response.Close();
            }
        });
    }

    /// <summary>The ping URL, without a trailing slash, as [notify] url takes it.</summary>
    public string Url { get; }

    public IReadOnlyList<(string Method, string Path, string Body)> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A port nothing listens on now: for an unreachable URL, or this listener's own.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
