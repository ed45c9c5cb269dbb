using System.Globalization;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader check</c>: the effective settings, whether the bucket aborts incomplete multipart uploads
/// by itself, and whether the credentials can write, read and delete under the prefix. Prints no secret.
/// </summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(IObjectStore store, BackupOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        S3Options o = options.S3;
        output.WriteLine($"bucket                  {o.Bucket}");
        output.WriteLine($"endpoint                {(o.Endpoint.Length > 0 ? o.Endpoint : "AWS")}");
        output.WriteLine($"region                  {(o.Region.Length > 0 ? o.Region : "(SDK default chain)")}");
        output.WriteLine($"prefix                  {o.Prefix}");
        output.WriteLine($"storage classes         data {o.StorageClassData}, metadata {o.StorageClassMetadata}");
        output.WriteLine($"encryption              SSE-S3 (AES256) on every object");
        output.WriteLine($"chunk size              {ByteSize.Format(options.Spool.ChunkSize)}, part size {ByteSize.Format(o.PartSize)}");
        output.WriteLine($"concurrency             {o.Concurrency} parts in flight");
        output.WriteLine($"wire checksums          {(o.ChecksumsWhenRequiredOnly ? "when_required (compatibility mode)" : "when_supported")}");
        output.WriteLine($"give up after           {Duration.Format(options.Uploader.GiveUpAfter)} of S3 outage");
        output.WriteLine($"credentials             {CredentialSource()}");

        AbortRule rule = await store.AbortRuleAsync(o.Prefix, cancellationToken).ConfigureAwait(false);
        string lifecycle = rule switch
        {
            { Id: not null } => $"ok: rule \"{rule.Id}\" aborts incomplete multipart uploads after {rule.Days} days",
            { ErrorCode: not null } => $"MISSING ({rule.ErrorCode}): add a lifecycle rule AbortIncompleteMultipartUpload covering the prefix",
            _ => "MISSING: add a lifecycle rule AbortIncompleteMultipartUpload (e.g. 7 days) covering the prefix",
        };
        output.WriteLine($"abort incomplete MPU    {lifecycle}");

        string key = ObjectKeys.Probe(o.Prefix);
        byte[] body = "btrfs_to_s3 check\n"u8.ToArray();
        await store.PutAsync(key, body, new ObjectWrite(o.StorageClassMetadata, "text/plain", IfNoneMatch: false), cancellationToken).ConfigureAwait(false);
        output.WriteLine($"write under prefix      ok");
        byte[]? read = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"read under prefix       {(read.AsSpan().SequenceEqual(body) ? "ok" : "WRONG CONTENT")}");
        await store.DeleteAsync([key], cancellationToken).ConfigureAwait(false);
        output.WriteLine($"delete under prefix     ok");

        return ExitCodes.Ok;
    }

    /// <summary>Where the SDK's default chain will find credentials, named without any part of them.</summary>
    private static string CredentialSource() =>
        Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } ? "environment (AWS_ACCESS_KEY_ID)"
        : Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } profile ? string.Create(CultureInfo.InvariantCulture, $"profile {profile}")
        : "SDK default chain (default profile or instance role)";
}
