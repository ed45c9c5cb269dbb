using System.Reflection;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// Builds the S3 client from the configuration. Credentials come from the SDK's default chain (environment, profile,
/// instance role), or from the named profile of the shared credentials file (--profile: the second identity that prunes
/// for a host without delete rights): the configuration never holds a secret, and nothing here logs one.
/// </summary>
internal static class S3Clients
{
    /// <summary>The AWS SDK's S3 and core package versions, for <c>check</c> and bug reports.</summary>
    public static string SdkVersion { get; } =
        $"AWSSDK.S3 {FileVersion(typeof(AmazonS3Client))}, AWSSDK.Core {FileVersion(typeof(AmazonServiceClient))}";

    /// <param name="clock">Told of every request S3 answers, the parts of a long upload included.</param>
    /// <param name="profile">A profile of ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE); null for the default
    /// chain.</param>
    public static AmazonS3Client Create(S3Options options, OutageClock clock, ILogger logger, string? profile = null)
    {
        AWSCredentials? credentials = null;
        if (
            profile is not null
            && !new Amazon.Runtime.CredentialManagement.CredentialProfileStoreChain().TryGetAWSCredentials(
                profile,
                out credentials
            )
        )
        {
            throw new BackupFailure(
                FailureKind.Config,
                $"credentials: --profile {profile}: no such profile in {Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials"} (or ~/.aws/config)"
            );
        }

        var config = new AmazonS3Config
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 4,
            // The whole request, a part's body included: a stalled connection (a NAT that forgot it, a peer that
            // vanished) fails after this long and is retried on a new one.
            Timeout = options.RequestTimeout,
        };

        if (options.Endpoint.Length > 0)
        {
            config.ServiceURL = options.Endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.Region.Length > 0 ? options.Region : "us-east-1";
        }
        else if (options.Region.Length > 0)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (options.ChecksumsWhenRequiredOnly)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            Log.ChecksumCompatibility(logger);
        }

        try
        {
            AmazonS3Client client = credentials is null
                ? new AmazonS3Client(config)
                : new AmazonS3Client(credentials, config);
            client.AfterResponseEvent += (_, _) => clock.Answered();
            client.ExceptionEvent += (_, e) =>
            {
                if (e is WebServiceExceptionEventArgs { Exception: { } exception, Request: { } request })
                {
                    S3Permissions.Record(exception, request);
                }
            };
            return client;
        }
        catch (AmazonClientException e)
        {
            throw ConfigError.At(
                "[s3] region",
                $"no region configured and none found in the SDK's default chain (AWS_REGION, profile): {e.Message}"
            );
        }
    }

    private static string FileVersion(Type type) =>
        type.Assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version ?? "?";
}
