using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// System.CommandLine's help, then the program's notes (overrides, credentials, exit codes), which its layout has no
/// section for.
/// </summary>
internal sealed class NotesAfterHelp(HelpAction help, string notes) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        int code = help.Invoke(parseResult);
        // Its layout ends in a blank line, which parts the notes from the commands or options.
        parseResult.InvocationConfiguration.Output.Write(notes);
        return code;
    }
}
