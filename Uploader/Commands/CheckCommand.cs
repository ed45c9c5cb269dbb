using System.Globalization;
using System.Security.Cryptography;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader check</c>: the effective settings; the bucket's lifecycle rules, versioning and Object Lock
/// as they bear on the prefix; then every permission the uploader needs, tried for real on fresh probe keys under the
/// prefix and cleaned up: write, read, HEAD, list and delete of an object, a HEAD of a key that does not exist (S3
/// answers 404 only to a caller with s3:ListBucket), a multipart upload created, listed and aborted, and, only with
/// <c>--archive-probe</c>, a tiny write in the data storage class. Each line says ok or names what is missing; a
/// permission the uploader needs that is missing makes it exit 78 after the last line. The bucket's settings are read
/// for this report only, so a permission missing there is named without failing the check. Prints no secret.
/// </summary>
internal static class CheckCommand
{
    /// <summary>An ETag no object has: the MD5 of nothing is d41d8cd9…, and S3 never gives an object an ETag of
    /// zeros.</summary>
    private const string NoSuchEtag = "\"00000000000000000000000000000000\"";

    /// <summary>The storage classes whose objects cannot be read without a thaw (RestoreObject).</summary>
    private static readonly string[] ArchiveClasses = ["GLACIER", "DEEP_ARCHIVE"];

    public static async Task<int> RunAsync(
        IObjectStore store,
        BackupOptions options,
        bool archiveProbe,
        string? profile,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        S3Options o = options.S3;
        var report = new CheckReport(output);
        report.Line("bucket", o.Bucket);
        report.Line("endpoint", o.Endpoint.Length > 0 ? o.Endpoint : "AWS");
        report.Line("region", o.Region.Length > 0 ? o.Region : "(SDK default chain)");
        report.Line("prefix", o.Prefix);
        report.Line("storage classes", $"data {o.StorageClassData}, metadata {o.StorageClassMetadata}");
        report.Line("encryption", "SSE-S3 (AES256) on every object");
        report.Line(
            "chunk size",
            $"{ByteSize.Format(options.Spool.ChunkSize)} of stream, part size {ByteSize.Format(o.PartSize)}, compression {options.Spool.Compression}"
        );
        report.Line(
            "client encryption",
            options.Encryption.On
                ? $"age to {string.Join(", ", options.Encryption.Recipients.Select(r => $"{r.Text[..12]}… ({ChunkEncoding.Fingerprint(r.Text)})"))}; prove the private key is at hand and opens the chunks: restore --subvolume NAME --dump --last --identity FILE (thaws and decrypts the newest stream alone, receives nothing)"
                : "warning: off ([encryption] recipients is empty): whoever can read the bucket, or steals these keys, can read every backed-up file; set age recipients (age-keygen) to encrypt from the next full"
        );
        report.Line(
            "signing key",
            SigningKey.TryLoad(options.State.Dir) is { } signing
                ? $"{signing.PublicKeyText}: every pointer and manifest is signed with it; keep this line with the age key, restore trusts it ([restore] trusted_keys, --trust)"
                : $"none yet: the first run makes it in {Path.Combine(options.State.Dir, SigningKey.FileName)}; check then prints the public key to keep with the age key"
        );
        report.Line("concurrency", $"{o.Concurrency} parts in flight");
        report.Line(
            "wire checksums",
            o.ChecksumsWhenRequiredOnly ? "when_required (compatibility mode)" : "when_supported"
        );
        report.Line(
            "object lock wanted",
            o.ObjectLock is null
                ? "off"
                : $"{o.ObjectLock.ToLowerInvariant()}, each object locked until its generation may go plus lock_margin {Duration.Format(o.LockMargin)}"
        );
        report.Line("give up after", $"{Duration.Format(options.Uploader.GiveUpAfter)} of S3 outage");
        report.Line("credentials", profile is null ? CredentialSource() : $"profile {profile} (--profile)");
        report.Line("AWS SDK", S3Clients.SdkVersion);

        report.Line(
            "retention",
            options.Retention.PruneInRun
                ? "applied by every run after a publish ([retention] prune_in_run = yes): these credentials delete"
                : "not applied here ([retention] prune_in_run = no): this host deletes nothing; prune --profile under another identity, or a lifecycle rule, applies it"
        );
        bool? versioned = await ReportBucketAsync(store, o, report, cancellationToken);
        byte[] body = "btrfs_to_s3 check\n"u8.ToArray();
        // A probe written and deleted in a versioned bucket would stay as a noncurrent version and a delete marker, and
        // a host without delete rights cannot remove one: there every permission is tried without writing anything.
        string? leaveNothing =
            !options.Retention.PruneInRun ? "[retention] prune_in_run = no: this host deletes nothing"
            : versioned == true
                ? "the bucket is versioned: a delete would leave a delete marker; prune needs s3:DeleteObject and s3:DeleteObjectVersion (docs/iam-policy.json)"
            : null;
        if (leaveNothing is null)
        {
            await ProbeObjectAsync(store, o, body, report, cancellationToken);
        }
        else
        {
            await ProbeWithoutWritingAsync(store, o, body, leaveNothing, report, cancellationToken);
        }

        await ProbeMultipartAsync(store, o, body, report, cancellationToken);
        if (archiveProbe && leaveNothing is not null)
        {
            report.Line("archive-class write", $"skipped: {leaveNothing}, and the probe object would stay");
        }
        else if (archiveProbe)
        {
            await ProbeArchiveClassAsync(store, o, body, report, cancellationToken);
        }
        else
        {
            report.Line(
                "archive-class write",
                $"skipped: check --archive-probe writes one tiny object in {o.StorageClassData} and deletes it at once (billed for the class's minimum duration: well under a cent)"
            );
        }

        return report.Code;
    }

    /// <summary>
    /// The lifecycle rules that matter for the prefix, versioning and Object Lock; read only, for the report. Returns
    /// whether the bucket is versioned, null when that could not be read.
    /// </summary>
    private static async Task<bool?> ReportBucketAsync(
        IObjectStore store,
        S3Options options,
        CheckReport report,
        CancellationToken cancellationToken
    )
    {
        string prefix = options.Prefix;
        (bool read, BucketLifecycle lifecycle) = await report.TryAsync("abort incomplete MPU", needs: false, () =>
            store.LifecycleAsync(cancellationToken)
        );
        if (read)
        {
            report.Line("abort incomplete MPU", AbortLine(lifecycle, prefix));
            foreach (string note in TransitionLines(lifecycle, prefix))
            {
                report.Line("lifecycle transitions", note);
            }
        }

        (bool versioningRead, string versioning) = await report.TryAsync("versioning", needs: false, () =>
            store.VersioningAsync(cancellationToken)
        );
        if (versioningRead)
        {
            report.Line("versioning", VersioningLine(versioning, read ? lifecycle : null, prefix));
        }

        string? wanted = options.ObjectLock;
        (bool lockRead, ObjectLockState objectLock) = await report.TryAsync(
            "object lock",
            needs: wanted is not null,
            () => store.ObjectLockAsync(cancellationToken)
        );
        if (lockRead && wanted is not null && !objectLock.Enabled)
        {
            // Every write would be refused: S3 takes a retention only in a bucket created with Object Lock.
            report.Fail(
                "object lock",
                $"MISSING: [s3] object_lock = {wanted.ToLowerInvariant()}, but the bucket has no Object Lock; it can only be turned on for a bucket made with it (or by AWS support): use such a bucket, or set object_lock = off",
                ExitCodes.Config
            );
        }
        else if (lockRead)
        {
            report.Line(
                "object lock",
                objectLock.Mode is null
                    ? objectLock.ToString()
                    : $"{objectLock}: S3 keeps every object version at least that long, whatever prune deletes"
            );
        }

        return versioningRead ? versioning != "Off" : null;
    }

    /// <summary>
    /// The object permissions tried without leaving anything behind: a write conditional on an ETag no object has (S3
    /// checks the permission first, then answers 412, or 404 where there is no object: nothing is written), a read of a
    /// key that does not exist (404 only for a caller allowed to read), and a listing; then the HEAD of a missing key.
    /// </summary>
    private static async Task ProbeWithoutWritingAsync(
        IObjectStore store,
        S3Options o,
        byte[] body,
        string why,
        CheckReport report,
        CancellationToken cancellationToken
    )
    {
        string key = ObjectKeys.Probe(o.Prefix);
        (bool tried, ObjectWritten? written) = await report.TryAsync("write under prefix", needs: true, () =>
            store.PutAsync(
                key,
                body,
                new ObjectWrite(o.StorageClassMetadata, "text/plain", IfNoneMatch: false, IfMatch: NoSuchEtag),
                cancellationToken
            )
        );
        if (tried)
        {
            Expect(
                report,
                "write under prefix",
                written is null,
                $"S3 wrote {store.Address(key)} although the write named an ETag no object has; delete it by hand",
                "ok: allowed (a write conditional on an ETag no object has, refused by its condition: nothing written)"
            );
        }

        (bool read, ObjectBody? got) = await report.TryAsync("read under prefix", needs: true, () =>
            store.GetAsync(key, null, body.Length, cancellationToken)
        );
        if (read)
        {
            Expect(
                report,
                "read under prefix",
                got is null,
                "S3 found an object at a fresh probe key",
                "ok: allowed (a read of a key that does not exist: 404)"
            );
        }

        report.Line("head under prefix", "tried below, by the head of a missing key");
        (bool listed, IReadOnlyList<StoredObject> _) = await report.TryAsync("list under prefix", needs: true, () =>
            store.ListAsync(key, cancellationToken)
        );
        if (listed)
        {
            report.Line("list under prefix", "ok");
        }

        report.Line("delete under prefix", $"not tried: {why}");
        (bool missingHeaded, ObjectHead? missing) = await report.TryAsync("head of a missing key", needs: true, () =>
            store.HeadAsync(ObjectKeys.Probe(o.Prefix), cancellationToken)
        );
        if (missingHeaded)
        {
            Expect(report, "head of a missing key", missing is null, "S3 found an object at a fresh probe key");
        }
    }

    /// <summary>Write, read, HEAD, list and delete of a probe object, then a HEAD of a key that does not
    /// exist.</summary>
    private static async Task ProbeObjectAsync(
        IObjectStore store,
        S3Options o,
        byte[] body,
        CheckReport report,
        CancellationToken cancellationToken
    )
    {
        string key = ObjectKeys.Probe(o.Prefix);
        (bool written, ObjectWritten? _) = await report.TryAsync("write under prefix", needs: true, () =>
            store.PutAsync(
                key,
                body,
                new ObjectWrite(o.StorageClassMetadata, "text/plain", IfNoneMatch: false),
                cancellationToken
            )
        );
        if (written)
        {
            report.Line("write under prefix", "ok");
            (bool read, ObjectBody? got) = await report.TryAsync("read under prefix", needs: true, () =>
                store.GetAsync(key, null, body.Length, cancellationToken)
            );
            if (read && got is not null && got.Bytes.AsSpan().SequenceEqual(body))
            {
                report.Line("read under prefix", "ok");
            }
            else if (read)
            {
                report.Fail(
                    "read under prefix",
                    "WRONG CONTENT: S3 returned other bytes than were written",
                    ExitCodes.DataError
                );
            }

            (bool headed, ObjectHead? head) = await report.TryAsync("head under prefix", needs: true, () =>
                store.HeadAsync(key, cancellationToken)
            );
            if (headed)
            {
                Expect(report, "head under prefix", head is not null, "S3 has no object at the key just written");
            }

            (bool listed, IReadOnlyList<StoredObject> found) = await report.TryAsync(
                "list under prefix",
                needs: true,
                () => store.ListAsync(key, cancellationToken)
            );
            if (listed)
            {
                Expect(
                    report,
                    "list under prefix",
                    found.Any(f => f.Key == key),
                    "the listing lacks the key just written"
                );
            }

            (bool deleted, bool _) = await report.TryAsync(
                "delete under prefix",
                needs: true,
                async () =>
                {
                    await store.DeleteAsync([key], cancellationToken);
                    return true;
                },
                $"the probe object {store.Address(key)} stays: delete it by hand"
            );
            if (deleted)
            {
                report.Line("delete under prefix", "ok");
            }
        }
        else
        {
            foreach (
                string label in new[]
                {
                    "read under prefix",
                    "head under prefix",
                    "list under prefix",
                    "delete under prefix",
                }
            )
            {
                report.Line(label, "skipped: nothing was written");
            }
        }

        // Without s3:ListBucket, S3 answers a HEAD of a key that does not exist with 403 instead of 404 (HeadObject),
        // and the uploader, which asks whether a pointer or chunk is there yet, stops.
        (bool missingHeaded, ObjectHead? missing) = await report.TryAsync("head of a missing key", needs: true, () =>
            store.HeadAsync(ObjectKeys.Probe(o.Prefix), cancellationToken)
        );
        if (missingHeaded)
        {
            Expect(report, "head of a missing key", missing is null, "S3 found an object at a fresh probe key");
        }
    }

    /// <summary>A multipart upload (no parts) created, its parts and the bucket's uploads listed, and
    /// aborted.</summary>
    private static async Task ProbeMultipartAsync(
        IObjectStore store,
        S3Options o,
        byte[] body,
        CheckReport report,
        CancellationToken cancellationToken
    )
    {
        string key = ObjectKeys.Probe(o.Prefix);
        (bool started, string uploadId) = await report.TryAsync("multipart create", needs: true, () =>
            store.StartUploadAsync(
                key,
                new ChunkWrite(o.StorageClassData, Convert.ToHexStringLower(SHA256.HashData(body)), Crc32: null),
                cancellationToken
            )
        );
        if (!started)
        {
            foreach (string label in new[] { "multipart list parts", "multipart list uploads", "multipart abort" })
            {
                report.Line(label, "skipped: no upload was created");
            }

            return;
        }

        report.Line("multipart create", "ok");
        (bool partsListed, IReadOnlyList<StoredPart>? parts) = await report.TryAsync(
            "multipart list parts",
            needs: true,
            () => store.ListPartsAsync(key, uploadId, cancellationToken)
        );
        if (partsListed)
        {
            Expect(report, "multipart list parts", parts is { Count: 0 }, "S3 does not know the upload just created");
        }

        (bool uploadsListed, IReadOnlyList<PendingUpload> uploads) = await report.TryAsync(
            "multipart list uploads",
            needs: true,
            () => store.ListUploadsAsync(key, cancellationToken)
        );
        if (uploadsListed)
        {
            Expect(
                report,
                "multipart list uploads",
                uploads.Any(u => u.UploadId == uploadId),
                "the listing lacks the upload just created"
            );
        }

        (bool aborted, bool _) = await report.TryAsync(
            "multipart abort",
            needs: true,
            async () =>
            {
                await store.AbortUploadAsync(new PendingUpload(key, uploadId, null), cancellationToken);
                return true;
            },
            $"the probe upload of {store.Address(key)} stays (it has no parts: S3 bills nothing for it) until the bucket's abort rule, or a run allowed to abort, removes it"
        );
        if (aborted)
        {
            report.Line("multipart abort", "ok");
        }
    }

    /// <summary>
    /// A tiny object written in the data storage class, its class read back by HEAD, and deleted at once: that the
    /// account and bucket take objects of that class. In an archive class it is billed for the class's minimum duration
    /// (Deep Archive: 180 days of a few bytes plus S3's 40 KB of per-object overhead), well under a cent.
    /// </summary>
    private static async Task ProbeArchiveClassAsync(
        IObjectStore store,
        S3Options o,
        byte[] body,
        CheckReport report,
        CancellationToken cancellationToken
    )
    {
        const string Label = "archive-class write";
        string key = ObjectKeys.Probe(o.Prefix);
        (bool written, ObjectWritten? _) = await report.TryAsync(Label, needs: true, () =>
            store.PutAsync(
                key,
                body,
                new ObjectWrite(o.StorageClassData, "text/plain", IfNoneMatch: false),
                cancellationToken
            )
        );
        if (!written)
        {
            return;
        }

        (bool headed, ObjectHead? head) = await report.TryAsync(Label, needs: true, () =>
            store.HeadAsync(key, cancellationToken)
        );
        (bool deleted, bool _) = await report.TryAsync(
            Label,
            needs: true,
            async () =>
            {
                await store.DeleteAsync([key], cancellationToken);
                return true;
            },
            $"the probe object {store.Address(key)} stays: delete it by hand"
        );
        if (headed && deleted)
        {
            Expect(
                report,
                Label,
                head?.StorageClass == o.StorageClassData,
                $"written as {o.StorageClassData}, S3 reports {head?.StorageClass ?? "no object"}",
                $"ok: written as {o.StorageClassData} and deleted"
            );
        }
    }

    private static void Expect(CheckReport report, string label, bool ok, string wrong, string right = "ok")
    {
        if (ok)
        {
            report.Line(label, right);
        }
        else
        {
            report.Fail(label, $"WRONG: {wrong}", ExitCodes.Unavailable);
        }
    }

    private static string AbortLine(BucketLifecycle lifecycle, string prefix)
    {
        if (lifecycle.Problem is { } problem)
        {
            return $"UNKNOWN: {problem}";
        }

        if (lifecycle.AbortRuleFor(prefix) is { } rule)
        {
            return $"ok: rule \"{rule.Id}\" aborts incomplete multipart uploads after {rule.AbortUploadsAfterDays} days";
        }

        return "MISSING: add a lifecycle rule AbortIncompleteMultipartUpload (e.g. 7 days) covering the prefix"
            + string.Concat(
                lifecycle
                    .AbortRulesMissing(prefix)
                    .Select(r => $"; rule \"{r.Id}\" ({r.Selection}) does not cover every object under it")
            );
    }

    /// <summary>
    /// Rules that move our objects to another class. Chunks are meant to be archived; manifests and pointers must stay
    /// readable at once, and only stay out of such a rule by size: S3 by default does not transition objects under 128
    /// KB (S3 API reference, GetBucketLifecycleConfiguration, TransitionDefaultMinimumObjectSize:
    /// all_storage_classes_128K), unless the bucket says varies_by_storage_class, which lets them go to the Glacier
    /// classes.
    /// </summary>
    private static IEnumerable<string> TransitionLines(BucketLifecycle lifecycle, string prefix)
    {
        if (lifecycle.Problem is not null)
        {
            yield break;
        }

        List<BucketRule> rules = [.. lifecycle.TransitionsOver(prefix)];
        if (rules.Count == 0)
        {
            yield return "none apply under the prefix";
        }

        foreach (BucketRule rule in rules)
        {
            string consequence =
                !rule.Transitions.Any(t => ArchiveClasses.Contains(t.StorageClass)) ? "they stay readable at once"
                : rule.LargerThan is { } larger
                    ? $"only objects larger than {larger} bytes; manifests and pointers are a few KiB"
                : lifecycle.TransitionMinimumSize == "varies_by_storage_class"
                    ? "manifests and pointers too (this bucket lets objects under 128 KB go to the Glacier classes), and those cannot be read without a thaw: every run, status and restore read them"
                : "not manifests and pointers while they are under 128 KB (S3's default minimum size for transitions"
                    + (lifecycle.TransitionMinimumSize is null ? ", where the server follows AWS" : string.Empty)
                    + "); one past it could not be read without a thaw";
            yield return $"NOTE: rule \"{rule.Id}\" ({rule.Selection}) moves objects {string.Join(", then ", rule.Transitions)}: {consequence}";
        }
    }

    /// <summary>
    /// A versioned bucket (Enabled, or Suspended after being enabled) keeps what is deleted as noncurrent versions:
    /// retention deletes every version of what it drops, and a lifecycle rule that expires noncurrent versions frees
    /// the rest (a pointer's older versions; what a host without delete rights overwrote).
    /// </summary>
    private static string VersioningLine(string status, BucketLifecycle? lifecycle, string prefix) =>
        status == "Off" ? "off"
        : lifecycle?.NoncurrentExpiryFor(prefix) is { } rule
            ? $"{status}: retention deletes every version of a generation it drops; rule \"{rule.Id}\" expires other noncurrent versions after {rule.NoncurrentExpiresAfterDays} days"
        : $"{status}: retention deletes every version of a generation it drops; NOTE older pointer versions stay (restore --as-of reads them) until a lifecycle rule NoncurrentVersionExpiration covering the prefix expires them";

    /// <summary>Where the SDK's default chain will find credentials, named without any part of them.</summary>
    private static string CredentialSource() =>
        Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } ? "environment (AWS_ACCESS_KEY_ID)"
        : Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } profile
            ? string.Create(CultureInfo.InvariantCulture, $"profile {profile}")
        : "SDK default chain (default profile or instance role)";
}
