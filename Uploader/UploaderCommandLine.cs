using System.CommandLine;
using BtrfsToS3.Shared.Cli;
using static BtrfsToS3.Shared.Cli.CliSymbols;

namespace BtrfsToS3.Uploader;

/// <summary>The uploader's commands and options, each with its help: the one place any of them is written.</summary>
internal static class UploaderCommandLine
{
    public const string Tool = "btrfs-to-s3-uploader";

    private const string Notes = """
        --SECTION.KEY VALUE  override a configuration key, e.g. --s3.concurrency 32 (any command)

        Credentials come from --profile, else the AWS SDK's default chain (environment, profile, instance role).
        Exit codes: 0 ok, 1 stale (status --max-age), 64 usage, 65 bad data (a chunk failed verification),
        69 unavailable, 70 internal error, 73 cannot create,
        75 try again later (S3 unreachable past give_up_after, or another uploader runs),
        78 configuration (also: S3 rejected the credentials, the bucket does not exist, or S3 denied a permission).

        """;

    public static ToolDeclaration Declaration { get; } = Declare();

    private static ToolDeclaration Declare()
    {
        Option<string[]> profile = Value(
            "--profile",
            "NAME",
            "take credentials from profile NAME of ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE)"
        );
        Option<string[]> trust = Value(
            "--trust",
            "KEY",
            "also take pointers and manifests signed by that key (ed25519:…, as check prints it; besides this host's and [restore] trusted_keys); repeatable"
        );
        Option<string[]> identity = Value(
            "--identity",
            "FILE",
            "the age private key (age-keygen's file) of one of [encryption] recipients, for encrypted streams"
        );
        Option<bool> allowUnsigned = Switch(
            "--allow-unsigned",
            "take unsigned pointers and manifests (written before btrfs_to_s3 signed)"
        );

        var run = new Command(
            "run",
            "drain the spool into S3: upload each chunk, verify it there, delete it from the spool, and publish every sealed stream (manifest, then pointer). Keeps following while a spooler runs. (default)"
        )
        {
            Switch("--once", "drain what is in the spool now and exit, without waiting for a spooler"),
            Value(
                "--take-over",
                "NAME",
                "publish to subvolume NAME's pointer (and those nested in it) although another filesystem owns it: for a host rebuilt from its backup, never for two hosts on one prefix; repeatable"
            ),
            profile,
        };
        var check = new Command(
            "check",
            "print the effective settings; the bucket's lifecycle rules, versioning and Object Lock as they bear on the prefix; and try every permission the uploader needs under the prefix (write, read, HEAD, list, delete, a HEAD of a missing key, a multipart upload created, listed and aborted), leaving nothing behind (in a versioned bucket, or with [retention] prune_in_run = no, without writing anything and without the delete); exit 78 when one is missing"
        )
        {
            Switch(
                "--archive-probe",
                "also write one tiny object in the data storage class and delete it (billed for the class's minimum duration: under a cent)"
            ),
            profile,
        };
        var prune = new Command(
            "prune",
            "delete generations beyond [retention] keep_generations that are older than min_age_days and, under Object Lock, no longer locked (every version of their objects in a versioned bucket); the uploader also does this after every publish unless [retention] prune_in_run = no. A host without delete rights runs it under a second identity: --profile NAME"
        )
        {
            Switch("--dry-run", "only say what would go"),
            trust,
            allowUnsigned,
            profile,
        };
        var status = new Command(
            "status",
            "per subvolume: current generation, last full and incremental, next full due, streams in the spool; the spool against its quota; the last run"
        )
        {
            Switch("--json", "a machine-readable form, with the build as written_by"),
            Value(
                "--max-age",
                "DURATION",
                "for cron or a monitoring agent (e.g. 9d): print instead one line for each subvolume last published longer ago than that (or never), nothing when all are fresh, and exit 1 for any such; not with --json"
            ),
            profile,
        };
        var plan = new Command(
            "plan",
            "objects, requests and dollars per full and per incremental, monthly storage, early-deletion exposure, and what a restore of each subvolume costs; the weekly change taken from the incrementals in S3, else from <state dir>/growth.tsv (written by scripts/fs_growth_analysis.sh --write), else --weekly-change"
        )
        {
            Value(
                "--size",
                "NAME=SIZE",
                "the size of subvolume NAME instead of measuring it (btrfs filesystem du); repeatable"
            ),
            Value(
                "--weekly-change",
                "PERCENT",
                "the weekly change as a percentage of the size when neither S3 nor growth.tsv has it (default 1%)"
            ),
            profile,
        };
        var restore = new Command(
            "restore",
            "thaw archived chunks (printing the expected cost first; exit 75 while thawing unless --wait), then download, verify and btrfs receive the chain into DIR (a btrfs filesystem), and rebuild the tree as DIR/NAME, writable, with every nested subvolume back at its path"
        )
        {
            Value("--subvolume", "NAME", "the configured subvolume to restore (or --all)"),
            Switch("--all", "restore every configured subvolume"),
            Value("--target", "DIR", "the btrfs filesystem to restore into"),
            Switch("--no-nested", "restore NAME alone, without the subvolumes nested in it"),
            Value("--generation", "G", "restore from that generation instead of the current one"),
            Value("--until", "SNAPSHOT", "stop the chain at that snapshot"),
            Value(
                "--as-of",
                "TIME",
                "start from the newest pointer version written by then (2026-12-02T03:00:00Z, or now) that names a whole (and locked) chain: in a versioned bucket, a pointer an intruder rewrote is passed over"
            ),
            Value("--pointer-version", "ID", "start from that pointer version"),
            identity,
            Switch(
                "--last",
                "with --dump: read the newest stream of the chain alone (proves a key without thawing the whole chain)"
            ),
            Switch("--dump", "check the chains with btrfs receive --dump instead of receiving them"),
            Switch("--request-only", "only ask for the thaw and report"),
            Switch("--wait", "wait for the thaw instead of exiting 75"),
            trust,
            allowUnsigned,
            Switch(
                "--allow-unencrypted",
                "take unencrypted streams although [encryption] recipients are set or --identity is given (a stream written before encryption was set)"
            ),
        };
        var verify = new Command(
            "verify",
            "HEAD every chunk the pointers name and compare size and ETag with the manifests (no download); every pointer and manifest must be signed by a trusted key"
        )
        {
            trust,
            allowUnsigned,
            profile,
        };
        var notify = new Command(
            "notify",
            "tell [notify] url (URL/fail) and command that systemd unit NAME failed; run by btrfs-to-s3-notify@.service (OnFailure= of both services), reads only [notify]. A run itself tells [notify] when it starts (url/start) and how it ended (url or url/fail, and the command)"
        )
        {
            Value("--unit", "NAME", "the systemd unit that failed"),
        };

        Option<bool> jsonLines = Switch(
            "--json",
            "one JSON object per line (paths as in the catalog: a name that is not UTF-8 as path_b64)"
        );
        var ls = new Command(
            "ls",
            "list a directory (or the file) as it was in a snapshot kept in S3, from the catalogs alone: no thaw, no chunk read. SPEC is SUBVOLUME[@SNAPSHOT][:PATH]; SNAPSHOT is a snapshot's name or its time (default the newest), PATH a path in it (default its top)"
        )
        {
            Words("SPEC", "SUBVOLUME[@SNAPSHOT][:PATH]"),
            Switch("--long", "mode, owner, size and modification time, and a symbolic link's target", "-l"),
            Switch("--recursive", "the whole tree below PATH", "-R"),
            jsonLines,
            identity,
            trust,
            allowUnsigned,
            profile,
        };
        var find = new Command(
            "find",
            "the paths matching a glob in every snapshot kept in S3 (every generation), and in which snapshots each exists and changed, from the catalogs alone. A PATTERN without '/' matches names, one with '/' whole paths; * and ? stay within a name, ** crosses directories"
        )
        {
            Words("SUBVOLUME PATTERN", "the subvolume, and the glob"),
            Value("--history", "PATH", "instead: that path in every snapshot, with its size, time and what changed"),
            jsonLines,
            identity,
            trust,
            allowUnsigned,
            profile,
        };
        var diff = new Command(
            "diff",
            "what was added (+), removed (-), modified (M) or renamed (R) between two snapshots of one chain, from the catalogs alone"
        )
        {
            Words("SNAPSHOT_A SNAPSHOT_B", "two snapshots of one subvolume and generation, by name"),
            jsonLines,
            identity,
            trust,
            allowUnsigned,
            profile,
        };

        Command root = Root(
            Tool,
            "Drains the btrfs_to_s3 spool into S3 and publishes each stream; restores, verifies, prunes and reports.",
            Notes,
            "print the version, the git commit it was built from and the AWS SDK's version, and exit",
            run,
            check,
            prune,
            status,
            plan,
            restore,
            verify,
            ls,
            find,
            diff,
            notify
        );
        return new ToolDeclaration(
            root,
            "run",
            "drain the btrfs_to_s3 spool into S3, publish, restore and report",
            Notes
        );
    }
}
