using BtrfsToS3.Shared.Catalog;

namespace BtrfsToS3.Tests.Shared.Catalog;

/// <summary>What changed between two snapshots of a chain, by inode identity: added, removed, modified and renamed
/// names, each in walk order.</summary>
[TestClass]
public sealed class TreeDiffTests
{
    private static readonly string Full = CatalogText.Full(
        """{"op":"mkdir","path":"d"}""",
        """{"op":"mkfile","path":"d/f"}""",
        """{"op":"write","path":"d/f","offset":0,"length":100,"data":100}""",
        """{"op":"mkfile","path":"same"}""",
        """{"op":"mkfile","path":"moved"}""",
        """{"op":"mkfile","path":"moved-and-changed"}""",
        """{"op":"mkfile","path":"removed"}""",
        """{"op":"mkfile","path":"replaced"}""",
        """{"op":"mkfile","path":"touched"}""",
        """{"op":"mkdir","path":"gone"}""",
        """{"op":"mkfile","path":"gone/x"}"""
    );

    [TestMethod]
    public void Between_Changes_AreListedByKind()
    {
        ChainReplay chain = CatalogText.Replay(
            Full,
            CatalogText.Incremental(
                1,
                """{"op":"rename","path":"moved","to":"d/moved"}""",
                """{"op":"rename","path":"moved-and-changed","to":"renamed"}""",
                """{"op":"truncate","path":"renamed","size":5}""",
                """{"op":"unlink","path":"removed"}""",
                """{"op":"mkfile","path":"o270-9-0"}""",
                """{"op":"rename","path":"o270-9-0","to":"replaced"}""",
                """{"op":"utimes","path":"touched","atime":[1,0],"mtime":[1,0],"ctime":[1,0]}""",
                """{"op":"mkdir","path":"new"}""",
                """{"op":"mkfile","path":"new/file"}""",
                """{"op":"link","path":"d/f2","target":"d/f"}""",
                """{"op":"unlink","path":"gone/x"}""",
                """{"op":"rmdir","path":"gone"}"""
            )
        );

        TreeDiff diff = TreeDiff.Between(chain.Trees[0], chain.Trees[1]);

        CollectionAssert.AreEqual(new[] { "d/f2", "new", "new/file", "replaced" }, diff.Added.ToList());
        CollectionAssert.AreEqual(new[] { "gone", "gone/x", "removed", "replaced" }, diff.Removed.ToList());
        CollectionAssert.AreEqual(new[] { "renamed", "touched" }, diff.Modified.ToList());
        CollectionAssert.AreEqual(
            new[] { new TreeRename("moved", "d/moved"), new TreeRename("moved-and-changed", "renamed") },
            diff.Renamed.ToList()
        );
    }

    [TestMethod]
    public void Between_DirectoryRenamed_IsOneRenameItsChangedContentModifiedAtItsNewPath()
    {
        ChainReplay chain = CatalogText.Replay(
            Full,
            CatalogText.Incremental(
                1,
                """{"op":"rename","path":"d","to":"o257-5-0"}""",
                """{"op":"rename","path":"o257-5-0","to":"e"}""",
                """{"op":"write","path":"e/f","offset":0,"length":1,"data":300}"""
            )
        );

        TreeDiff diff = TreeDiff.Between(chain.Trees[0], chain.Trees[1]);

        CollectionAssert.AreEqual(new[] { new TreeRename("d", "e") }, diff.Renamed.ToList());
        CollectionAssert.AreEqual(new[] { "e/f" }, diff.Modified.ToList());
        Assert.IsEmpty(diff.Added);
        Assert.IsEmpty(diff.Removed);
    }

    [TestMethod]
    public void Between_ATreeAndItself_IsEmpty()
    {
        SnapshotTree tree = CatalogText.Tree(Full);

        TreeDiff diff = TreeDiff.Between(tree, tree);

        Assert.IsEmpty(diff.Added.Concat(diff.Removed).Concat(diff.Modified));
        Assert.IsEmpty(diff.Renamed);
    }

    [TestMethod]
    public void Between_CommandThatChangesNothing_IsNotModified()
    {
        ChainReplay chain = CatalogText.Replay(
            Full,
            CatalogText.Incremental(1, """{"op":"chmod","path":"d/f","mode":384}""")
        );

        TreeDiff diff = TreeDiff.Between(chain.Trees[0], chain.Trees[1]);

        Assert.AreNotSame(chain.Trees[0].Lookup("d/f")!.Inode, chain.Trees[1].Lookup("d/f")!.Inode);
        Assert.IsEmpty(diff.Modified);
    }

    [TestMethod]
    public void Between_RewriteFromALaterStream_IsModified()
    {
        // The same file bytes, but sent again: the catalog cannot tell they are equal.
        ChainReplay chain = CatalogText.Replay(
            Full,
            CatalogText.Incremental(1, """{"op":"write","path":"d/f","offset":0,"length":100,"data":100}""")
        );

        CollectionAssert.AreEqual(new[] { "d/f" }, TreeDiff.Between(chain.Trees[0], chain.Trees[1]).Modified.ToList());
    }

    [TestMethod]
    public void Between_SnapshotsApart_SeesEveryChangeBetweenThem()
    {
        ChainReplay chain = CatalogText.Replay(
            Full,
            CatalogText.Incremental(1, """{"op":"mkfile","path":"one"}"""),
            CatalogText.Incremental(
                2,
                """{"op":"rename","path":"one","to":"two"}""",
                """{"op":"unlink","path":"same"}"""
            )
        );

        TreeDiff diff = TreeDiff.Between(chain.Trees[0], chain.Trees[2]);
        TreeDiff back = TreeDiff.Between(chain.Trees[2], chain.Trees[0]);

        CollectionAssert.AreEqual(new[] { "two" }, diff.Added.ToList());
        CollectionAssert.AreEqual(new[] { "same" }, diff.Removed.ToList());
        CollectionAssert.AreEqual(new[] { "same" }, back.Added.ToList());
        CollectionAssert.AreEqual(new[] { "two" }, back.Removed.ToList());
    }

    [TestMethod]
    public void Between_TreesOfTwoChains_Throws() =>
        Assert.ThrowsExactly<ArgumentException>(() => TreeDiff.Between(CatalogText.Tree(Full), CatalogText.Tree(Full)));
}
