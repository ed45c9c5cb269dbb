using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Spooler;
using BtrfsToS3.Spooler.Commands;
using BtrfsToS3.Shared.Btrfs;

const string Tool = "btrfs-to-s3-spooler";
const string Usage = """
    Usage: btrfs-to-s3-spooler [run] [--config FILE] [--full] [--verbose] [--SECTION.KEY VALUE ...]
           btrfs-to-s3-spooler --version | --help

    Snapshots each configured subvolume and writes its btrfs send stream into hashed chunk files in the spool,
    for btrfs-to-s3-uploader to send to S3.

      --config FILE        configuration file (default /etc/btrfs_to_s3.ini)
      --full               send full streams, whatever the schedule says
      --verbose            log debug messages too
      --SECTION.KEY VALUE  override a configuration key, e.g. --spool.quota 100GiB
      --version            print the version and the git commit it was built from, and exit

    Exit codes: 0 ok, 64 usage, 65 bad data, 69 btrfs or S3 unavailable, 70 internal error,
    73 cannot create (disk full), 75 try again later (another run holds the lock), 78 configuration.

    """;

var parser = new CommandLineParser(
    "run",
    new Dictionary<string, IReadOnlySet<string>> { ["run"] = new HashSet<string> { "full", "verbose" } },
    new HashSet<string> { "full", "verbose" });
return ToolMain.Run(Tool, Usage, BuildInfo.Line(Tool, null), parser, args, async (commandLine, loggers, _, cancellationToken) =>
{
    ILogger logger = loggers.CreateLogger(Tool);
    BackupOptions options = ConfigLoader.Load(commandLine.ConfigPath, commandLine.Overrides);
    var btrfs = new BtrfsTool();
    await SpoolerChecks.CheckAsync(options, btrfs, logger, cancellationToken);
    var run = new RunCommand(options, btrfs, TimeProvider.System, logger, TimeSpan.FromSeconds(1));
    return await run.RunAsync(commandLine.Has("full"), cancellationToken);
});
