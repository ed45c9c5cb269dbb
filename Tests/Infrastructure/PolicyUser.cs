using System.Text.Json.Nodes;
using Amazon.S3.Model;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A second user of the local S3 server (<c>scripts/local-s3.sh user NAME</c>), which owns no bucket: it may do only
/// what the bucket policy applied by <see cref="Allow"/> grants it, a shipped policy (docs/iam-policy*.json) with its
/// placeholders filled in for the test's bucket and prefix and this user as the principal. RGW enforces bucket policies
/// for such a user as AWS does: a request outside them is refused with 403, and a HEAD of a missing key without
/// s3:ListBucket gets AWS's body-less 403. RGW 16 knows every action the shipped policies name (s3:RestoreObject and
/// s3:GetBucketObjectLockConfiguration included; it refuses a policy with an action it does not know, 400
/// InvalidArgument), so none is dropped; where RGW 16 checks a permission against another resource than AWS does, the
/// policy applied grants it there too (see <see cref="Allow"/>). The user is removed on dispose; its bucket policy goes
/// with the bucket.
/// </summary>
internal sealed class PolicyUser : IDisposable
{
    private readonly LocalS3 _s3;

    private PolicyUser(LocalS3 s3, string name, IReadOnlyDictionary<string, string> environment)
    {
        _s3 = s3;
        Name = name;
        Environment = environment;
    }

    public string Name { get; }

    /// <summary>The user's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for a program run as this user.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public static PolicyUser Create(LocalS3 s3)
    {
        string name = "policy-" + Guid.NewGuid().ToString("N")[..12];
        string keys = Shell.Run("bash", SourceTree.File("scripts/local-s3.sh"), "user", name);
        Dictionary<string, string> environment = keys.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return new PolicyUser(s3, name, environment);
    }

    /// <summary>The user's keys, for a client made in the test process.</summary>
    public Amazon.Runtime.AWSCredentials Credentials =>
        new Amazon.Runtime.BasicAWSCredentials(Environment["AWS_ACCESS_KEY_ID"], Environment["AWS_SECRET_ACCESS_KEY"]);

    /// <summary>
    /// Makes the shipped policy the bucket's policy for this user, without the actions in <paramref name="without"/>.
    /// </summary>
    /// <param name="keepPrefixCondition">
    /// False drops the s3:prefix condition on s3:ListBucket, for tests that HEAD or GET keys that do not exist yet (a
    /// backup run, check): AWS decides between 404 and 403 for such a key with the key as s3:prefix, so the condition
    /// keeps the 404 under the prefix, but RGW 16 decides without s3:prefix and answers 403 (fixed in ceph/ceph#68577,
    /// 2026; s3-tests test_head_object_404_with_policy_prefix). Listings under the condition RGW 16 does evaluate.
    /// </param>
    /// <returns>The policy applied.</returns>
    public string Allow(
        string policyFile,
        string prefix,
        IReadOnlyCollection<string>? without = null,
        bool keepPrefixCondition = true
    ) => Apply(_s3, Statements(policyFile, prefix, without, keepPrefixCondition));

    /// <summary>One bucket policy for several users, each granted its shipped policy (a bucket has only one
    /// policy).</summary>
    public static string AllowEach(
        LocalS3 s3,
        string prefix,
        bool keepPrefixCondition,
        params (PolicyUser User, string PolicyFile)[] grants
    ) => Apply(s3, grants.SelectMany(g => g.User.Statements(g.PolicyFile, prefix, without: null, keepPrefixCondition)));

    /// <summary>A shared credentials file (the AWS CLI's format) with this user's keys as profile
    /// <paramref name="profile"/>, for --profile.</summary>
    public string WriteCredentialsFile(string path, string profile)
    {
        File.WriteAllText(
            path,
            $"[{profile}]\naws_access_key_id = {Environment["AWS_ACCESS_KEY_ID"]}\naws_secret_access_key = {Environment["AWS_SECRET_ACCESS_KEY"]}\n"
        );
        return path;
    }

    private List<JsonNode> Statements(
        string policyFile,
        string prefix,
        IReadOnlyCollection<string>? without,
        bool keepPrefixCondition
    )
    {
        string text = File.ReadAllText(SourceTree.File(policyFile))
            .Replace("arn:aws:s3:::BUCKET", $"arn:aws:s3:::{_s3.Bucket}", StringComparison.Ordinal)
            .Replace("PREFIX*", prefix + "*", StringComparison.Ordinal);
        JsonNode policy = JsonNode.Parse(text)!;
        var statements = new List<JsonNode>();
        foreach (JsonNode statement in policy["Statement"]!.AsArray().Select(s => s!.DeepClone()))
        {
            JsonArray actions =
            [
                .. statement["Action"]!
                    .AsArray()
                    .Select(a => a!.GetValue<string>())
                    .Where(a => without?.Contains(a) != true)
                    .Select(a => (JsonNode)a),
            ];
            if (actions.Count == 0)
            {
                continue;
            }

            statement["Action"] = actions;
            statement["Principal"] = new JsonObject { ["AWS"] = new JsonArray($"arn:aws:iam:::user/{Name}") };
            // Statement ids must be unique in one policy, and several users' statements may share one.
            statement.AsObject().Remove("Sid");
            if (!keepPrefixCondition)
            {
                statement.AsObject().Remove("Condition");
            }

            statements.Add(statement);
        }

        if (statements.Any(st => st["Action"]!.AsArray().Any(a => a!.GetValue<string>() == "s3:DeleteObject")))
        {
            // RGW 16 authorizes a DeleteObjects request as a whole against the bucket's ARN before it checks each key
            // (seen here: 403 for the request with s3:DeleteObject granted on the objects only); AWS checks each key's
            // object ARN. Granted on the bucket too, RGW still refuses the keys outside the prefix one by one.
            statements.Add(
                new JsonObject
                {
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["AWS"] = new JsonArray($"arn:aws:iam:::user/{Name}") },
                    ["Action"] = new JsonArray("s3:DeleteObject"),
                    ["Resource"] = $"arn:aws:s3:::{_s3.Bucket}",
                }
            );
        }

        return statements;
    }

    /// <summary>
    /// The policy of the users' statements, and one that gives the bucket's owner (the test user) every object in it.
    /// AWS makes new buckets so ("Bucket owner enforced", the default since April 2023: the bucket owner owns and fully
    /// controls every object, whoever wrote it; S3 user guide, "Controlling ownership of objects and disabling ACLs for
    /// your bucket"); Ceph RGW 16 has no such setting and leaves an object to the user that wrote it, so without this
    /// statement the test could not read back what a policy user wrote.
    /// </summary>
    private static string Apply(LocalS3 s3, IEnumerable<JsonNode> statements)
    {
        var owner = new JsonObject
        {
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["AWS"] = new JsonArray($"arn:aws:iam:::user/{LocalS3.Owner}") },
            ["Action"] = new JsonArray("s3:*"),
            ["Resource"] = new JsonArray($"arn:aws:s3:::{s3.Bucket}", $"arn:aws:s3:::{s3.Bucket}/*"),
        };
        var policy = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray([.. statements, owner]),
        };
        string applied = policy.ToJsonString();
        s3.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = s3.Bucket, Policy = applied })
            .GetAwaiter()
            .GetResult();
        return applied;
    }

    public void Dispose() => Shell.TryRun("bash", [SourceTree.File("scripts/local-s3.sh"), "user-rm", Name]);
}
