using System.Net;
using System.Text;
using Amazon.Runtime;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// AWS's answer to a conditional write that races another operation on the key, which the local server never gives:
/// "If a conflicting operation occurs during the upload, S3 returns a 409 ConditionalRequestConflict response. On a
/// 409 failure you should retry the upload" (S3 API reference, PutObject, If-Match and If-None-Match; S3 user guide,
/// "How to prevent object overwrites with conditional writes"). The next <see cref="Conflicts"/> conditional PUTs are
/// answered so, without reaching the server; everything else goes to the real server unchanged.
/// </summary>
internal sealed class ConditionalWriteEmulator : HttpClientFactory
{
    private int _conflicts;

    /// <summary>How many conditional PUTs from now on get 409 ConditionalRequestConflict.</summary>
    public int Conflicts
    {
        get => Volatile.Read(ref _conflicts);
        set => Volatile.Write(ref _conflicts, value);
    }

    /// <summary>Conditional PUTs answered 409 so far.</summary>
    public int Answered { get; private set; }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(this, new HttpClientHandler()));

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

    private sealed class Handler(ConditionalWriteEmulator emulator, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            bool conditional = request.Method == HttpMethod.Put && (request.Headers.Contains("If-Match") || request.Headers.Contains("If-None-Match"));
            if (conditional && Interlocked.Decrement(ref emulator._conflicts) >= 0)
            {
                emulator.Answered++;
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Conflict)
                {
                    Content = new StringContent(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ConditionalRequestConflict</Code><Message>A conflicting conditional operation is currently in progress against this resource. Please try again.</Message></Error>",
                        Encoding.UTF8,
                        "application/xml"),
                });
            }

            if (conditional)
            {
                Interlocked.Exchange(ref emulator._conflicts, 0);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
