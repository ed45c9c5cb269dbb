using Amazon.S3;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Logging;
using BtrfsToS3.Uploader;
using BtrfsToS3.Uploader.Catalog;
using BtrfsToS3.Uploader.Commands;
using BtrfsToS3.Uploader.Notify;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.Restore;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Upload;

const string Tool = UploaderCommandLine.Tool;
return ToolMain.Run(
    UploaderCommandLine.Declaration,
    BuildInfo.Line(Tool, $"AWS SDK for .NET: {S3Clients.SdkVersion}"),
    args,
    async (commandLine, loggers, failures, cancellationToken) =>
    {
        ILogger logger = loggers.CreateLogger(Tool);
        if (commandLine.Command == "notify")
        {
            string unit = commandLine.LastOf("unit")
                ?? throw new BackupFailure(FailureKind.Usage, "usage: notify needs --unit NAME, the unit that failed");
            return await NotifyCommand.RunAsync(
                ConfigLoader.LoadNotify(commandLine.ConfigPath, commandLine.Overrides),
                unit,
                Environment.GetEnvironmentVariable,
                logger
            );
        }

        BackupOptions options = ConfigLoader.Load(commandLine.ConfigPath, commandLine.Overrides);
        return commandLine.Command switch
        {
            "plan" => await PlanAsync(options, commandLine, logger, cancellationToken),
            "run" => await NotifiedAsync(options, failures, logger, () =>
                CommandAsync(options, commandLine, logger, cancellationToken)
            ),
            _ => await CommandAsync(options, commandLine, logger, cancellationToken),
        };
    }
);

// Every command that needs S3, with its client, the store and the repository over it.
static async Task<int> CommandAsync(
    BackupOptions options,
    CommandLine commandLine,
    ILogger logger,
    CancellationToken cancellationToken
)
{
    UploaderChecks.Check(options);
    var clock = new OutageClock(TimeProvider.System);
    string? profile = commandLine.LastOf("profile");
    using AmazonS3Client client = S3Clients.Create(options.S3, clock, logger, profile);
    // status and check answer a person at a terminal: a short outage is waited out, a long one is reported.
    TimeSpan patience = commandLine.Command is "status" or "check"
        ? TimeSpan.FromSeconds(10)
        : options.Uploader.GiveUpAfter;
    var bandwidth = new BandwidthLimiter(options.Uploader.Bandwidth, TimeProvider.System, logger);
    var store = new S3ObjectStore(
        client,
        options.S3.Bucket,
        new OutageGuard(patience, options.S3.Bucket, clock, logger),
        bandwidth
    );
    using SigningKey? own =
        commandLine.Command == "run"
            ? SigningKey.LoadOrCreate(options.State.Dir)
            : SigningKey.TryLoad(options.State.Dir);
    if (commandLine.Command == "prune" && !commandLine.Has("dry-run") && own is null)
    {
        throw new BackupFailure(
            FailureKind.Config,
            $"prune rewrites each pointer it prunes, and signs it with the host's key, but there is none in {options.State.Dir} ({SigningKey.FileName}): run prune on the host whose state directory that is"
        );
    }

    LockPolicy? locks = LockPolicy.Of(options, TimeProvider.System);
    var repository = new BackupRepository(
        store,
        options.S3,
        locks,
        SignaturePolicy.For(
            commandLine.Command,
            options,
            own,
            [.. commandLine.ValuesOf("trust").Select(k => SignaturePublicKey.Check(k, "usage: --trust"))],
            commandLine.Has("allow-unsigned")
        )
    );
    return commandLine.Command switch
    {
        "check" => await CheckCommand.RunAsync(
            store,
            options,
            commandLine.Has("archive-probe"),
            profile,
            Console.Out,
            cancellationToken
        ),
        "status" => await StatusCommand.RunAsync(
            repository,
            options,
            commandLine.Has("json"),
            MaxAge(commandLine),
            Console.Out,
            cancellationToken
        ),
        "restore" => await new RestoreCommand(repository, options, TimeProvider.System, logger).RunAsync(
            new RestoreRequest(
                (commandLine.ValuesOf("subvolume"), commandLine.Has("all")) switch
                {
                    ([string subvolume], false) => [subvolume],
                    ([], true) => [.. options.Subvolumes.Select(s => s.Name)],
                    _ => throw new BackupFailure(
                        FailureKind.Usage,
                        "usage: restore needs one --subvolume NAME, or --all"
                    ),
                },
                commandLine.LastOf("target"),
                commandLine.LastOf("generation"),
                commandLine.LastOf("until"),
                commandLine.Has("no-nested"),
                commandLine.Has("dump"),
                commandLine.Has("request-only"),
                commandLine.Has("wait"),
                AsOf(commandLine.LastOf("as-of")),
                commandLine.LastOf("pointer-version"),
                commandLine.LastOf("identity"),
                commandLine.Has("last"),
                commandLine.Has("allow-unencrypted")
            ),
            cancellationToken
        ),
        "ls" or "find" or "diff" => await BrowseAsync(repository, options, commandLine, logger, cancellationToken),
        "verify" => await VerifyCommand.RunAsync(repository, options.Subvolumes, Console.Out, cancellationToken),
        "prune" => await PruneCommand.RunAsync(
            repository,
            options,
            commandLine.Has("dry-run"),
            TimeProvider.System,
            logger,
            cancellationToken
        ),
        _ => await new RunCommand(
            repository,
            new ChunkStore(store, options.S3, locks),
            options,
            bandwidth,
            TakeOver(commandLine.ValuesOf("take-over"), options),
            TimeProvider.System,
            logger
        ).RunAsync(commandLine.Has("once"), cancellationToken),
    };
}

// ls, find and diff: the catalogs of the chains a restore would read, replayed; no chunk is read.
static async Task<int> BrowseAsync(
    BackupRepository repository,
    BackupOptions options,
    CommandLine commandLine,
    ILogger logger,
    CancellationToken cancellationToken
)
{
    string? identityFile = commandLine.LastOf("identity");
    IReadOnlyList<AgeIdentity> identities = RestoreChecks.ReadIdentities(identityFile);
    var cache = new CatalogCache(repository, options.State.Dir, identities);
    cache.RemoveUnused();
    var chains = new ChainReader(repository, options.S3, TimeProvider.System, logger);
    var loader = new CatalogLoader(repository, cache, chains);
    var locator = new SnapshotLocator(loader, chains);
    IReadOnlyList<string> words = commandLine.Words ?? [];
    bool json = commandLine.Has("json");
    return (commandLine.Command, words) switch
    {
        ("ls", [string spec]) => await LsCommand.RunAsync(
            locator,
            SnapshotSpec.Parse(spec),
            commandLine.Has("long"),
            commandLine.Has("recursive"),
            json,
            Console.Out,
            cancellationToken
        ),
        ("find", [string subvolume]) when commandLine.LastOf("history") is { } history => await FindCommand.RunAsync(
            loader,
            subvolume,
            null,
            history,
            json,
            Console.Out,
            cancellationToken
        ),
        ("find", [string subvolume, string pattern]) when commandLine.LastOf("history") is null =>
            await FindCommand.RunAsync(
                loader,
                subvolume,
                new PathGlob(pattern),
                null,
                json,
                Console.Out,
                cancellationToken
            ),
        ("diff", [string first, string second]) => await DiffCommand.RunAsync(
            locator,
            first,
            second,
            json,
            Console.Out,
            cancellationToken
        ),
        _ => throw new BackupFailure(
            FailureKind.Usage,
            commandLine.Command switch
            {
                "ls" => "usage: ls SUBVOLUME[@SNAPSHOT][:PATH] [-l] [-R] [--json]",
                "find" => "usage: find SUBVOLUME PATTERN, or find SUBVOLUME --history PATH",
                _ => "usage: diff SNAPSHOT_A SNAPSHOT_B",
            }
        ),
    };
}

// The uploader's run completes a backup (it publishes), so it is the one that tells [notify] a run started and how it
// ended, its failing line quoted: its failure is logged here, not by ToolMain, so that the line is there to quote.
static async Task<int> NotifiedAsync(
    BackupOptions options,
    FailureRecorder failures,
    ILogger logger,
    Func<Task<int>> run
)
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

    RunStats? stats =
        new StatsFile(options.State.Dir).LastRun() is { } last && last.StartedAt >= startedAt ? last : null;
    await notifier.EndedAsync(
        code == ExitCodes.Ok,
        RunReport.Ended(
            host,
            code,
            System.Diagnostics.Stopwatch.GetElapsedTime(started),
            stats,
            code == ExitCodes.Ok ? null : failures.LastLine
        )
    );
    return code;
}

// --take-over names a configured subvolume; a typo must not silently take nothing over.
static HashSet<string> TakeOver(IReadOnlyList<string> names, BackupOptions options) =>
    [
        .. names.Select(n =>
            options.Subvolumes.Any(s => s.Name == n)
                ? n
                : throw new BackupFailure(
                    FailureKind.Usage,
                    $"usage: --take-over wants a configured subvolume (one of {string.Join(", ", options.Subvolumes.Select(s => s.Name))}), got \"{n}\""
                )
        ),
    ];

// plan needs neither a bucket nor S3 (it is run before either exists): without them it takes each subvolume's weekly
// change from a scan or the flag and says why, so it is not held to UploaderChecks. It waits for S3 as briefly as
// status does, each request too: a person waits for it at a terminal.
static async Task<int> PlanAsync(
    BackupOptions options,
    CommandLine commandLine,
    ILogger logger,
    CancellationToken cancellationToken
)
{
    TimeSpan patience = TimeSpan.FromSeconds(10);
    Task<int> Plan(BackupRepository? repository, string? noRepository) =>
        PlanCommand.RunAsync(
            options,
            repository,
            noRepository,
            commandLine.ValuesOf("size"),
            commandLine.ValuesOf("weekly-change"),
            Console.Out,
            cancellationToken
        );
    if (options.S3.Bucket.Length == 0)
    {
        return await Plan(null, "no [s3] bucket is configured");
    }

    var clock = new OutageClock(TimeProvider.System);
    AmazonS3Client client;
    try
    {
        client = S3Clients.Create(
            options.S3 with
            {
                RequestTimeout = patience,
            },
            clock,
            logger,
            commandLine.LastOf("profile")
        );
    }
    catch (BackupFailure e)
    {
        return await Plan(null, e.Message);
    }

    using (client)
    {
        var store = new S3ObjectStore(
            client,
            options.S3.Bucket,
            new OutageGuard(patience, options.S3.Bucket, clock, logger),
            new BandwidthLimiter(options.Uploader.Bandwidth, TimeProvider.System, logger)
        );
        return await Plan(new BackupRepository(store, options.S3), null);
    }
}

// --max-age takes a duration as the configuration writes one (9d); its lines replace the report, so --json has no
// place.
static TimeSpan? MaxAge(CommandLine commandLine) =>
    (commandLine.LastOf("max-age"), commandLine.Has("json")) switch
    {
        (null, _) => null,
        (_, true) => throw new BackupFailure(FailureKind.Usage, "usage: status takes --max-age or --json, not both"),
        (string text, _) when Duration.TryParse(text) is { } age && age > TimeSpan.Zero => age,
        (string text, _) => throw new BackupFailure(
            FailureKind.Usage,
            $"usage: --max-age wants a duration such as 9d or 36h (got \"{text}\")"
        ),
    };

// --as-of takes a UTC time as S3 and the logs write it (2026-12-02T03:00:00Z), or now.
static DateTimeOffset? AsOf(string? value) =>
    value switch
    {
        null => null,
        "now" => DateTimeOffset.UtcNow,
        string text
            when DateTimeOffset.TryParse(
                text,
                System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal,
                out DateTimeOffset at
            ) => at,
        string text => throw new BackupFailure(
            FailureKind.Usage,
            $"usage: --as-of wants a time such as 2026-12-02T03:00:00Z, or now (got \"{text}\")"
        ),
    };
