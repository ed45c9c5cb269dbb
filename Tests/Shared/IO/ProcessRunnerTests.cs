using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Tests.Shared.IO;

/// <summary>What a real child process (env(1)) is started with.</summary>
[TestClass]
public sealed class ProcessRunnerTests
{
    [TestMethod]
    public async Task RunAsync_AwsVariablesInOurEnvironment_ChildSeesNoneAndTheCLocale()
    {
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY_CANARY", "canary-secret");
        try
        {
            ProcessResult result = await ProcessRunner.RunAsync(["env"], CancellationToken.None);

            Assert.AreEqual(0, result.ExitCode, result.StandardError);
            string[] lines = result.StandardOutput.Split('\n');
            Assert.IsEmpty(lines.Where(l => l.StartsWith("AWS_", StringComparison.Ordinal)), result.StandardOutput);
            CollectionAssert.Contains(lines, "LC_ALL=C");
            Assert.IsTrue(
                lines.Any(l => l.StartsWith("PATH=", StringComparison.Ordinal)),
                "the rest of the environment is kept"
            );
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY_CANARY", null);
        }
    }
}
