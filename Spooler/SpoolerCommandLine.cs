using BtrfsToS3.Shared.Cli;
using static BtrfsToS3.Shared.Cli.CliSymbols;

namespace BtrfsToS3.Spooler;

/// <summary>The spooler's command and options, each with its help: the one place any of them is written.</summary>
internal static class SpoolerCommandLine
{
    public const string Tool = "btrfs-to-s3-spooler";

    private const string Notes = """
        --SECTION.KEY VALUE  override a configuration key, e.g. --spool.quota 100GiB

        Exit codes: 0 ok, 64 usage, 65 bad data, 69 btrfs or S3 unavailable, 70 internal error,
        73 cannot create (disk full), 75 try again later (another run holds the lock), 78 configuration.

        """;

    public static ToolDeclaration Declaration { get; } = Declare();

    private static ToolDeclaration Declare()
    {
        var run = new System.CommandLine.Command(
            "run",
            "snapshot each configured subvolume and spool its stream: a full or an incremental, as the schedule says (default)"
        )
        {
            Switch("--full", "send full streams, whatever the schedule says"),
        };
        var root = Root(
            Tool,
            "Snapshots each configured subvolume and writes its btrfs send stream into hashed chunk files in the spool, for btrfs-to-s3-uploader to send to S3.",
            Notes,
            "print the version and the git commit it was built from, and exit",
            run
        );
        return new ToolDeclaration(
            root,
            "run",
            "snapshot btrfs subvolumes and spool their send streams as hashed chunks",
            Notes
        );
    }
}
