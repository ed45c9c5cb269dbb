using BtrfsToS3.Shared.Catalog;
using CsCheck;

namespace BtrfsToS3.Tests.Shared.Catalog;

/// <summary>
/// The copy-on-write B+-tree against a sorted dictionary: after any writes, over any number of generations, each
/// generation's map holds what the dictionary held when that generation was frozen, whatever the later ones wrote.
/// </summary>
[TestClass]
public sealed class CowMapTests
{
    [TestMethod]
    public void Writes_OverGenerations_KeepEachGenerationsEntries()
    {
        Gen<(bool Set, int Key)[][]> gen = Gen.Select(Gen.Bool, Gen.Int[0, 3000]).Array[0, 600].Array[1, 6];

        gen.Sample(
            generations =>
            {
                var model = new SortedDictionary<int, int>();
                var kept = new List<(CowMap<int, int> Map, KeyValuePair<int, int>[] Entries)>();
                CowMap<int, int> map = CowMap<int, int>.Empty(new ReplayGeneration(0));
                for (int g = 0; g < generations.Length; g++)
                {
                    var stamp = new ReplayGeneration(g + 1);
                    map = map.Writable(stamp);
                    foreach ((bool set, int key) in generations[g])
                    {
                        if (set)
                        {
                            map.Set(key, key * 10 + g);
                            model[key] = key * 10 + g;
                        }
                        else
                        {
                            Assert.AreEqual(model.Remove(key), map.Remove(key));
                        }
                    }

                    stamp.Freeze();
                    kept.Add((map, [.. model]));
                }

                foreach ((CowMap<int, int> old, KeyValuePair<int, int>[] entries) in kept)
                {
                    AssertHolds(old, entries);
                }
            },
            seed: "0000000001Kx",
            iter: 300,
            threads: 1
        );
    }

    [TestMethod]
    public void Writes_ManyInOrderThenMostRemoved_KeepSearchesRight()
    {
        var stamp = new ReplayGeneration(0);
        CowMap<int, int> map = CowMap<int, int>.Empty(stamp);
        for (int key = 0; key < 100_000; key++)
        {
            map.Set(key, key);
        }

        for (int key = 0; key < 100_000; key++)
        {
            if (key % 97 != 0)
            {
                Assert.IsTrue(map.Remove(key));
            }
        }

        AssertHolds(
            map,
            [.. Enumerable.Range(0, 100_000).Where(k => k % 97 == 0).Select(k => KeyValuePair.Create(k, k))]
        );
    }

    [TestMethod]
    public void Writable_SameGeneration_IsTheSameMap()
    {
        var stamp = new ReplayGeneration(0);
        CowMap<int, int> map = CowMap<int, int>.Empty(stamp);

        Assert.AreSame(map, map.Writable(stamp));
        Assert.AreNotSame(map, map.Writable(new ReplayGeneration(1)));
        Assert.IsTrue(map.SharesAll(map.Writable(new ReplayGeneration(1))));
    }

    private static void AssertHolds(CowMap<int, int> map, KeyValuePair<int, int>[] entries)
    {
        Assert.AreEqual(entries.Length, map.Count);
        CollectionAssert.AreEqual(entries, map.All().ToList());
        var keys = entries.Select(e => e.Key).ToHashSet();
        for (int probe = -1; probe <= 3001; probe += 7)
        {
            Assert.AreEqual(keys.Contains(probe), map.TryGetValue(probe, out int value));
            Assert.AreEqual(keys.Contains(probe) ? entries.First(e => e.Key == probe).Value : 0, value);
            KeyValuePair<int, int>[] below = [.. entries.Where(e => e.Key <= probe)];
            Assert.AreEqual(below.Length > 0, map.Floor(probe, out KeyValuePair<int, int> floor));
            Assert.AreEqual(below.Length > 0 ? below[^1] : default, floor);
            CollectionAssert.AreEqual(
                entries.Where(e => e.Key >= probe).Take(3).ToList(),
                map.From(probe).Take(3).ToList()
            );
        }
    }
}
