using Amazon.Runtime;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// The SDK client's HTTP stack: AWS behaviours (<see cref="ChecksumEmulator"/>, <see cref="ArchiveEmulator"/>, …)
/// chained in the order given, the first outermost, over one real connection to the server. Each layer sees what the
/// layers above it send and what the ones below answer, so a test has as many of AWS's behaviours at once as it needs.
/// The chain is built once: the SDK asks for an HttpClient per request (no caching) and disposes it after use, so each
/// one borrows the chain without owning it; the layers go with the test that made them, each disposing the ones below.
/// </summary>
internal sealed class LayeredHttp : HttpClientFactory
{
    private readonly HttpMessageHandler _chain;

    public LayeredHttp(IReadOnlyList<DelegatingHandler> layers)
    {
        ArgumentOutOfRangeException.ThrowIfZero(layers.Count);
        HttpMessageHandler inner = new HttpClientHandler();
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            // A layer already in another chain would answer for two clients; InnerHandler cannot be set twice.
            if (layers[i].InnerHandler is not null)
            {
                throw new InvalidOperationException(
                    $"{layers[i].GetType().Name} is already under another client: make one per client"
                );
            }

            layers[i].InnerHandler = inner;
            inner = layers[i];
        }

        _chain = inner;
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(_chain, disposeHandler: false);

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
}
