using System.Diagnostics;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>Runs commands for test set-up and checks, failing the test with their output when they fail.</summary>
internal static class Shell
{
    public static string Run(string file, params string[] arguments) => Run(file, arguments, null);

    public static string Run(string file, string[] arguments, string? standardOutputFile)
    {
        (int code, string output, string error) = TryRun(file, arguments, standardOutputFile);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {code}: {error}{output}");
        }

        return output;
    }

    public static (int Code, string Output, string Error) TryRun(
        string file,
        string[] arguments,
        string? standardOutputFile = null
    )
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output;
        if (standardOutputFile is null)
        {
            output = process.StandardOutput.ReadToEnd();
        }
        else
        {
            using FileStream file2 = File.Create(standardOutputFile);
            process.StandardOutput.BaseStream.CopyTo(file2);
            output = string.Empty;
        }

        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
