using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Tests.Shared.Configuration;

/// <summary>The one shape every configuration error has: FailureKind.Config and exactly one expected line.</summary>
internal static class ConfigAssert
{
    public static void Rejects(string expected, Action read)
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(read);

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        Assert.AreEqual(expected, failure.Message);
        Assert.DoesNotContain("\n", failure.Message);
    }
}
