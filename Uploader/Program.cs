using Amazon.S3;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Logging;
using BtrfsToS3.Uploader;
using BtrfsToS3.Uploader.Commands;
using BtrfsToS3.Uploader.Notify;
using BtrfsToS3.Uploader.Restore;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Upload;

const string Tool = "btrfs-to-s3-uploader";
const string Usage = """
    Usage: btrfs-to-s3-uploader [run|check|prune|status|plan|restore|verify|notify] [--config FILE] [--once] [--dry-run] [--json] [--verbose] [--SECTION.KEY VALUE ...]
           btrfs-to-s3-uploader --version | --help

      run     drain the spool into S3: upload each chunk, verify it there, delete it from the spool, and publish
              every sealed stream (manifest, then pointer). Keeps following while a spooler runs. (default)
              --take-over NAME: publish to subvolume NAME's pointer (and those nested in it) although another
              filesystem owns it: for a host rebuilt from its backup, never for two hosts on one prefix
      check [--archive-probe]
              print the effective settings; the bucket's lifecycle rules, versioning and Object Lock as they
              bear on the prefix; and try every permission the uploader needs under the prefix (write, read,
              HEAD, list, delete, a HEAD of a missing key, a multipart upload created, listed and aborted),
              leaving nothing behind (in a versioned bucket, or with [retention] prune_in_run = no, without
              writing anything and without the delete); exit 78 when one is missing. --archive-probe also writes one tiny object
              in the data storage class and deletes it (billed for the class's minimum duration: under a cent)
      status [--json | --max-age DURATION]
              per subvolume: current generation, last full and incremental, next full due, streams in the
              spool; the spool against its quota; the last run (--json for a machine-readable form, with the build
              as written_by); --max-age 9d, for cron or a monitoring agent, prints instead one line for each
              subvolume last published longer ago than that (or never), nothing when all are fresh, and exits 1
              for any such
      plan    objects, requests and dollars per full and per incremental, monthly storage, early-deletion
              exposure, and what a restore of each subvolume costs; sizes measured, or given with --size NAME=SIZE;
              the weekly change taken from the incrementals in S3, else from <state dir>/growth.tsv (written by
              scripts/fs_growth_analysis.sh --write), else --weekly-change PERCENT of the size (default 1%)
      restore --subvolume NAME|--all --target DIR [--no-nested] [--generation G] [--until SNAPSHOT] [--dump] [--request-only] [--wait]
              [--as-of TIME|now] [--pointer-version ID] [--identity FILE] [--dump --last]
              thaw archived chunks (printing the expected cost first; exit 75 while thawing unless --wait),
              then download, verify and btrfs receive the chain into DIR (a btrfs filesystem), and rebuild the
              tree as DIR/NAME, writable, with every nested subvolume back at its path (--no-nested: NAME alone);
              --all restores every configured subvolume; --dump checks the chains with btrfs receive --dump
              instead; --request-only only asks for the thaw and reports; --as-of TIME starts from the newest
              pointer version written by then that names a whole (and locked) chain, --pointer-version ID from that
              one (a versioned bucket: a pointer an intruder rewrote is passed over); --identity FILE: the age
              private key (age-keygen's file) of one of [encryption] recipients, for encrypted streams; --dump
              --last reads the newest stream of the chain alone (proves a key without thawing the whole chain);
              --trust KEY: also take pointers and manifests signed by that key (ed25519:…, as check prints it;
              besides this host's and [restore] trusted_keys); --allow-unsigned: take unsigned ones (written before
              btrfs_to_s3 signed); --allow-unencrypted: take unencrypted streams although [encryption] recipients
              are set or --identity is given (a stream written before encryption was set)
      verify  HEAD every chunk the pointers name and compare size and ETag with the manifests (no download);
              every pointer and manifest must be signed by a trusted key (--trust KEY, --allow-unsigned as restore)
      prune   delete generations beyond [retention] keep_generations that are older than min_age_days and, under
              Object Lock, no longer locked (every version of their objects in a versioned bucket); the uploader
              also does this after every publish unless [retention] prune_in_run = no; with --dry-run, only say
              what would go. A host without delete rights runs it under a second identity: --profile NAME
      notify --unit NAME
              tell [notify] url (URL/fail) and command that systemd unit NAME failed; run by
              btrfs-to-s3-notify@.service (OnFailure= of both services), reads only [notify]. A run itself tells
              [notify] when it starts (url/start) and how it ended (url or url/fail, and the command)

      --config FILE        configuration file (default /etc/btrfs_to_s3.ini)
      --once               drain what is in the spool now and exit, without waiting for a spooler
      --verbose            log debug messages too
      --profile NAME       take credentials from profile NAME of ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE)
      --SECTION.KEY VALUE  override a configuration key, e.g. --s3.concurrency 32
      --version            print the version, the git commit it was built from and the AWS SDK's version, and exit

    Credentials come from --profile, else the AWS SDK's default chain (environment, profile, instance role).
    Exit codes: 0 ok, 1 stale (status --max-age), 64 usage, 65 bad data (a chunk failed verification), 69 unavailable, 70 internal error,
    73 cannot create, 75 try again later (S3 unreachable past give_up_after, or another uploader runs),
    78 configuration (also: S3 rejected the credentials, the bucket does not exist, or S3 denied a permission).

    """;

var parser = new CommandLineParser(
    "run",
    new Dictionary<string, IReadOnlySet<string>>
    {
        ["run"] = new HashSet<string> { "once", "take-over", "verbose", "profile" },
        ["check"] = new HashSet<string> { "archive-probe", "verbose", "profile" },
        ["prune"] = new HashSet<string> { "dry-run", "trust", "allow-unsigned", "verbose", "profile" },
        ["status"] = new HashSet<string> { "json", "max-age", "verbose", "profile" },
        ["plan"] = new HashSet<string> { "size", "weekly-change", "verbose", "profile" },
        ["restore"] = new HashSet<string> { "subvolume", "all", "no-nested", "target", "generation", "until", "as-of", "pointer-version", "identity", "last", "dump", "request-only", "wait", "trust", "allow-unsigned", "allow-unencrypted", "verbose" },
        ["verify"] = new HashSet<string> { "trust", "allow-unsigned", "verbose", "profile" },
        ["notify"] = new HashSet<string> { "unit", "verbose" },
    },
    new HashSet<string> { "once", "dry-run", "json", "all", "no-nested", "last", "dump", "request-only", "wait", "archive-probe", "allow-unsigned", "allow-unencrypted", "verbose" },
    new HashSet<string> { "unit", "max-age", "size", "weekly-change", "subvolume", "target", "generation", "until", "take-over", "as-of", "pointer-version", "profile", "identity", "trust" });
return ToolMain.Run(Tool, Usage, BuildInfo.Line(Tool, $"AWS SDK for .NET: {S3Clients.SdkVersion}"), parser, args, async (commandLine, loggers, failures, cancellationToken) =>
{
    ILogger logger = loggers.CreateLogger(Tool);
    if (commandLine.Command == "notify")
    {
        string unit = commandLine.ValuesOf("unit").LastOrDefault() ?? throw new BackupFailure(FailureKind.Usage, "usage: notify needs --unit NAME, the unit that failed");
        return await NotifyCommand.RunAsync(ConfigLoader.LoadNotify(commandLine.ConfigPath, commandLine.Overrides), unit, Environment.GetEnvironmentVariable, logger);
    }

    BackupOptions options = ConfigLoader.Load(commandLine.ConfigPath, commandLine.Overrides);
    return commandLine.Command switch
    {
        "plan" => await PlanAsync(options, commandLine, logger, cancellationToken),
        "run" => await NotifiedAsync(options, failures, logger, () => CommandAsync(options, commandLine, logger, cancellationToken)),
        _ => await CommandAsync(options, commandLine, logger, cancellationToken),
    };
});

// Every command that needs S3, with its client, the store and the repository over it.
static async Task<int> CommandAsync(BackupOptions options, CommandLine commandLine, ILogger logger, CancellationToken cancellationToken)
{
    UploaderChecks.Check(options);
    var clock = new OutageClock(TimeProvider.System);
    string? profile = commandLine.ValuesOf("profile").LastOrDefault();
    using AmazonS3Client client = S3Clients.Create(options.S3, clock, logger, profile);
    // status and check answer a person at a terminal: a short outage is waited out, a long one is reported.
    TimeSpan patience = commandLine.Command is "status" or "check" ? TimeSpan.FromSeconds(10) : options.Uploader.GiveUpAfter;
    var bandwidth = new BandwidthLimiter(options.Uploader.Bandwidth, TimeProvider.System, logger);
    var store = new S3ObjectStore(client, options.S3.Bucket, new OutageGuard(patience, options.S3.Bucket, clock, logger), bandwidth);
    using SigningKey? own = commandLine.Command == "run" ? SigningKey.LoadOrCreate(options.State.Dir) : SigningKey.TryLoad(options.State.Dir);
    if (commandLine.Command == "prune" && !commandLine.Has("dry-run") && own is null)
    {
        throw new BackupFailure(FailureKind.Config, $"prune rewrites each pointer it prunes, and signs it with the host's key, but there is none in {options.State.Dir} ({SigningKey.FileName}): run prune on the host whose state directory that is");
    }

    LockPolicy? locks = LockPolicy.Of(options, TimeProvider.System);
    var repository = new BackupRepository(store, options.S3, locks, Signatures(options, commandLine, own));
    return commandLine.Command switch
    {
        "check" => await CheckCommand.RunAsync(store, options, commandLine.Has("archive-probe"), profile, Console.Out, cancellationToken),
        "status" => await StatusCommand.RunAsync(repository, options, commandLine.Has("json"), MaxAge(commandLine), Console.Out, cancellationToken),
        "restore" => await new RestoreCommand(repository, options, TimeProvider.System, logger).RunAsync(
            new RestoreRequest(
                (commandLine.ValuesOf("subvolume"), commandLine.Has("all")) switch
                {
                    ([string subvolume], false) => [subvolume],
                    ([], true) => [.. options.Subvolumes.Select(s => s.Name)],
                    _ => throw new BackupFailure(FailureKind.Usage, "usage: restore needs one --subvolume NAME, or --all"),
                },
                commandLine.ValuesOf("target").LastOrDefault(),
                commandLine.ValuesOf("generation").LastOrDefault(),
                commandLine.ValuesOf("until").LastOrDefault(),
                commandLine.Has("no-nested"),
                commandLine.Has("dump"),
                commandLine.Has("request-only"),
                commandLine.Has("wait"),
                AsOf(commandLine.ValuesOf("as-of")),
                commandLine.ValuesOf("pointer-version").LastOrDefault(),
                commandLine.ValuesOf("identity").LastOrDefault(),
                commandLine.Has("last"),
                commandLine.Has("allow-unencrypted")),
            cancellationToken),
        "verify" => await VerifyCommand.RunAsync(repository, options.Subvolumes, Console.Out, cancellationToken),
        "prune" => await PruneCommand.RunAsync(repository, options, commandLine.Has("dry-run"), TimeProvider.System, logger, cancellationToken),
        _ => await new RunCommand(repository, new ChunkStore(store, options.S3, locks), options, bandwidth, TakeOver(commandLine.ValuesOf("take-over"), options), TimeProvider.System, logger).RunAsync(commandLine.Has("once"), cancellationToken),
    };
}

// The uploader's run completes a backup (it publishes), so it is the one that tells [notify] a run started and how it
// ended, its failing line quoted: its failure is logged here, not by ToolMain, so that the line is there to quote.
static async Task<int> NotifiedAsync(BackupOptions options, FailureRecorder failures, ILogger logger, Func<Task<int>> run)
{
    using var notifier = new Notifier(options.Notify, logger);
    string host = Environment.MachineName;
    DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    long started = System.Diagnostics.Stopwatch.GetTimestamp();
    await notifier.StartedAsync(RunReport.Started(host));
    int code;
    try
    {
        code = await run();
    }
    catch (Exception e)
    {
        code = ToolMain.Report(logger, e);
    }

    RunStats? stats = new StatsFile(options.State.Dir).LastRun() is { } last && last.StartedAt >= startedAt ? last : null;
    await notifier.EndedAsync(code == ExitCodes.Ok, RunReport.Ended(host, code, System.Diagnostics.Stopwatch.GetElapsedTime(started), stats, code == ExitCodes.Ok ? null : failures.LastLine));
    return code;
}

// Which signatures a command takes (docs/FORMAT.md, "Signatures"): this host's key, [restore] trusted_keys and --trust;
// restore, verify and prune refuse an unsigned object unless --allow-unsigned. run signs what it writes, and prune the
// pointer it rewrites, with this host's key.
static SignaturePolicy Signatures(BackupOptions options, CommandLine commandLine, SigningKey? own)
{
    var trusted = new HashSet<string>(options.Restore.TrustedKeys ?? [], StringComparer.Ordinal);
    if (own is not null)
    {
        trusted.Add(own.PublicKeyText);
    }

    foreach (string key in commandLine.ValuesOf("trust"))
    {
        trusted.Add(SignaturePublicKey.Check(key, "usage: --trust"));
    }

    bool strict = commandLine.Command is "restore" or "verify" or "prune" && !commandLine.Has("allow-unsigned");
    return new SignaturePolicy(trusted, strict, commandLine.Command is "run" or "prune" ? own : null);
}

// --take-over names a configured subvolume; a typo must not silently take nothing over.
static HashSet<string> TakeOver(IReadOnlyList<string> names, BackupOptions options) =>
    [.. names.Select(n => options.Subvolumes.Any(s => s.Name == n)
        ? n
        : throw new BackupFailure(FailureKind.Usage, $"usage: --take-over wants a configured subvolume (one of {string.Join(", ", options.Subvolumes.Select(s => s.Name))}), got \"{n}\""))];

// plan needs neither a bucket nor S3 (it is run before either exists): without them it takes each subvolume's weekly
// change from a scan or the flag and says why, so it is not held to UploaderChecks. It waits for S3 as briefly as status
// does, each request too: a person waits for it at a terminal.
static async Task<int> PlanAsync(BackupOptions options, CommandLine commandLine, ILogger logger, CancellationToken cancellationToken)
{
    TimeSpan patience = TimeSpan.FromSeconds(10);
    Task<int> Plan(BackupRepository? repository, string? noRepository) =>
        PlanCommand.RunAsync(options, repository, noRepository, commandLine.ValuesOf("size"), commandLine.ValuesOf("weekly-change"), Console.Out, cancellationToken);
    if (options.S3.Bucket.Length == 0)
    {
        return await Plan(null, "no [s3] bucket is configured");
    }

    var clock = new OutageClock(TimeProvider.System);
    AmazonS3Client client;
    try
    {
        client = S3Clients.Create(options.S3 with { RequestTimeout = patience }, clock, logger, commandLine.ValuesOf("profile").LastOrDefault());
    }
    catch (BackupFailure e)
    {
        return await Plan(null, e.Message);
    }

    using (client)
    {
        var store = new S3ObjectStore(client, options.S3.Bucket, new OutageGuard(patience, options.S3.Bucket, clock, logger), new BandwidthLimiter(options.Uploader.Bandwidth, TimeProvider.System, logger));
        return await Plan(new BackupRepository(store, options.S3), null);
    }
}

// --max-age takes a duration as the configuration writes one (9d); its lines replace the report, so --json has no place.
static TimeSpan? MaxAge(CommandLine commandLine) => (commandLine.ValuesOf("max-age").LastOrDefault(), commandLine.Has("json")) switch
{
    (null, _) => null,
    (_, true) => throw new BackupFailure(FailureKind.Usage, "usage: status takes --max-age or --json, not both"),
    (string text, _) when Duration.TryParse(text) is { } age && age > TimeSpan.Zero => age,
    (string text, _) => throw new BackupFailure(FailureKind.Usage, $"usage: --max-age wants a duration such as 9d or 36h (got \"{text}\")"),
};

// --as-of takes a UTC time as S3 and the logs write it (2026-12-02T03:00:00Z), or now.
static DateTimeOffset? AsOf(IReadOnlyList<string> values) => values.LastOrDefault() switch
{
    null => null,
    "now" => DateTimeOffset.UtcNow,
    string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset at) => at,
    string text => throw new BackupFailure(FailureKind.Usage, $"usage: --as-of wants a time such as 2026-12-02T03:00:00Z, or now (got \"{text}\")"),
};
