using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Spooler;
using BtrfsToS3.Spooler.Commands;

const string Tool = SpoolerCommandLine.Tool;
return ToolMain.Run(
    SpoolerCommandLine.Declaration,
    BuildInfo.Line(Tool, null),
    args,
    async (commandLine, loggers, _, cancellationToken) =>
    {
        ILogger logger = loggers.CreateLogger(Tool);
        BackupOptions options = ConfigLoader.Load(commandLine.ConfigPath, commandLine.Overrides);
        var btrfs = new BtrfsTool();
        await SpoolerChecks.CheckAsync(options, btrfs, logger, cancellationToken);
        var run = new RunCommand(options, btrfs, TimeProvider.System, logger, TimeSpan.FromSeconds(1));
        return await run.RunAsync(commandLine.Has("full"), cancellationToken);
    }
);
