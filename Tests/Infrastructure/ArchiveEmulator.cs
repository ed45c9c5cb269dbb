using System.Net;
using System.Text;
using Amazon.Runtime;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// Glacier/Deep Archive behaviour on top of the real local S3 server, which has none (RGW 16 answers RestoreObject with
/// 501 and serves archived objects at once). An HTTP handler under the SDK client does what AWS documents
/// (S3 user guide, "Restoring an archived object"; API reference: RestoreObject, HeadObject x-amz-restore, GetObject
/// InvalidObjectState): a GET of an archived object that is not thawed is 403 InvalidObjectState; RestoreObject is 202,
/// then 409 RestoreAlreadyInProgress while it runs; HEAD shows x-amz-restore: ongoing-request="true", then
/// ongoing-request="false", expiry-date="…" once the test's clock has passed the thaw time; an expired thaw is gone.
/// Every other request goes to the real server unchanged. Chunk objects (keys with "/chunk-") are the archived ones.
/// </summary>
internal sealed class ArchiveEmulator(TimeProvider clock, TimeSpan thawTime) : HttpClientFactory
{
    private readonly Dictionary<string, DateTimeOffset> _requested = new(StringComparer.Ordinal);

    private DateTimeOffset Now => clock.GetUtcNow();

    public int RestoreRequests { get; private set; }

    /// <summary>Keys whose thaw takes this long instead, for partial readiness.</summary>
    public Dictionary<string, TimeSpan> ThawTimeOf { get; } = new(StringComparer.Ordinal);

    /// <summary>Every thawed copy expires: the objects are archived again.</summary>
    public void ExpireAll()
    {
        lock (_requested)
        {
            _requested.Clear();
        }
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(this, new HttpClientHandler()));

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

    private bool? Ready(string key)
    {
        lock (_requested)
        {
            if (!_requested.TryGetValue(key, out DateTimeOffset at))
            {
                return null;
            }

            return clock.GetUtcNow() >= at + (ThawTimeOf.TryGetValue(key, out TimeSpan own) ? own : thawTime);
        }
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string code, string message) => new(status)
    {
        Content = new StringContent($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>", Encoding.UTF8, "application/xml"),
    };

    private sealed class Handler(ArchiveEmulator emulator, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
            int slash = path.IndexOf('/', 1);
            string key = slash > 0 ? path[(slash + 1)..] : string.Empty;
            if (!key.Contains("/chunk-", StringComparison.Ordinal))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            bool? ready = emulator.Ready(key);
            if (request.Method == HttpMethod.Post && request.RequestUri.Query.Contains("restore", StringComparison.Ordinal))
            {
                if (ready == false)
                {
                    return Error(HttpStatusCode.Conflict, "RestoreAlreadyInProgress", "Object restore is already in progress");
                }

                if (ready == true)
                {
                    return new HttpResponseMessage(HttpStatusCode.OK);
                }

                lock (emulator._requested)
                {
                    emulator._requested[key] = emulator.Now;
                    emulator.RestoreRequests++;
                }

                return new HttpResponseMessage(HttpStatusCode.Accepted);
            }

            if (request.Method == HttpMethod.Get && ready != true)
            {
                return Error(HttpStatusCode.Forbidden, "InvalidObjectState", "The operation is not valid for the object's storage class");
            }

            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Head && ready is not null)
            {
                response.Headers.TryAddWithoutValidation(
                    "x-amz-restore",
                    ready == true
                        ? $"ongoing-request=\"false\", expiry-date=\"{emulator.Now.AddDays(7):R}\""
                        : "ongoing-request=\"true\"");
            }

            return response;
        }
    }
}
