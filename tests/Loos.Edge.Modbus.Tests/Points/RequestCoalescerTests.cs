using Loos.Edge.Core;
using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Modbus.Tests.Points;

public sealed class RequestCoalescerTests
{
    [Fact]
    public void Coalesce_NeighbouringPoints_OneRequest()
    {
        ModbusPoint[] points = [Point(0, PointType.F32), Point(2, PointType.F32), Point(4, PointType.U16), Point(70, PointType.F32)];

        var blocks = RequestCoalescer.Coalesce(points, maxGapRegisters: 65);

        var block = Assert.Single(blocks);
        Assert.Equal((PointTable.InputRegisters, (ushort)0, 72), (block.Table, block.Address, block.Count));
        Assert.Equal([0, 1, 2, 3], block.Points);
    }

    [Fact]
    public void Coalesce_GapLargerThanAllowed_SplitsThere()
    {
        ModbusPoint[] points = [Point(0, PointType.F32), Point(12, PointType.F32), Point(30, PointType.F32)];

        var blocks = RequestCoalescer.Coalesce(points, maxGapRegisters: 10);

        Assert.Equal([(0, 14), (30, 2)], blocks.Select(b => ((int)b.Address, b.Count)));
    }

    [Fact]
    public void Coalesce_ZeroGap_ReadsNoUnusedRegister()
    {
        ModbusPoint[] points = [Point(0, PointType.F32), Point(2, PointType.F32), Point(5, PointType.U16)];

        var blocks = RequestCoalescer.Coalesce(points, maxGapRegisters: 0);

        Assert.Equal([(0, 4), (5, 1)], blocks.Select(b => ((int)b.Address, b.Count)));
    }

    [Fact]
    public void Coalesce_DeviceLimit_NoBlockLongerAndNoPointSplit()
    {
        // 40 f32 values back to back (SDM630 style) with a device that reads at most 30 registers.
        var points = Enumerable.Range(0, 40).Select(i => Point((ushort)(i * 2), PointType.F32)).ToArray();

        var blocks = RequestCoalescer.Coalesce(points, maxRegistersPerRequest: 30);

        Assert.Equal([30, 30, 20], blocks.Select(b => b.Count));
        Assert.Equal(40, blocks.Sum(b => b.Points.Count));
    }

    [Fact]
    public void Coalesce_DifferentTables_NeverShareARequest()
    {
        ModbusPoint[] points = [Point(0, PointType.U16), Point(1, PointType.U16, PointTable.HoldingRegisters), Point(0, PointType.Bit, PointTable.Coils)];

        var blocks = RequestCoalescer.Coalesce(points);

        Assert.Equal([PointTable.HoldingRegisters, PointTable.InputRegisters, PointTable.Coils], blocks.Select(b => b.Table));
    }

    [Fact]
    public void Coalesce_Bits_UpTo2000PerRequest()
    {
        var points = Enumerable.Range(0, 2001).Select(i => Point((ushort)i, PointType.Bit, PointTable.DiscreteInputs)).ToArray();

        var blocks = RequestCoalescer.Coalesce(points);

        Assert.Equal([2000, 1], blocks.Select(b => b.Count));
    }

    [Fact]
    public void Coalesce_PointLongerThanTheDeviceLimit_Throws()
    {
        ModbusPoint[] points = [Point(0, PointType.String, length: 40)];

        Assert.Throws<ArgumentException>(() => RequestCoalescer.Coalesce(points, maxRegistersPerRequest: 32));
    }

    [Fact]
    public void Coalesce_RandomPointSets_EveryPointOnceLimitsKeptAndFewestBlocks()
    {
        var random = new Random(20260314);
        for (var round = 0; round < 400; round++)
        {
            var count = random.Next(1, 11);
            var points = Enumerable.Range(0, count).Select(_ => RandomPoint(random)).ToArray();
            var limit = random.Next(8, 40);
            var gap = random.Next(0, 12);

            var blocks = RequestCoalescer.Coalesce(points, limit, gap);

            var covered = blocks.SelectMany(b => b.Points).OrderBy(i => i).ToArray();
            Assert.Equal(Enumerable.Range(0, count), covered);
            foreach (var block in blocks)
            {
                Assert.InRange(block.Count, 1, limit);
                Assert.All(block.Points, i => Assert.True(
                    points[i].Table == block.Table && points[i].RegisterAddress >= block.Address && points[i].EndAddress <= block.Address + block.Count,
                    $"round {round}: {points[i]} is not inside block {block.Address}+{block.Count}"));
                AssertGapsWithin(points, block, gap, round);
            }

            Assert.Equal(FewestBlocksByBruteForce(points, limit, gap), blocks.Count);
        }
    }

    private static void AssertGapsWithin(ModbusPoint[] points, ReadBlock block, int maxGap, int round)
    {
        var end = block.Address;
        foreach (var index in block.Points.OrderBy(i => points[i].RegisterAddress))
        {
            Assert.True(points[index].RegisterAddress - end <= maxGap, $"round {round}: a gap before {points[index]} is larger than {maxGap}");
            end = (ushort)Math.Max(end, points[index].EndAddress);
        }
    }

    // Every way to cut the sorted points of each table into consecutive runs, keeping the cheapest valid one.
    private static int FewestBlocksByBruteForce(ModbusPoint[] points, int limit, int maxGap)
    {
        var total = 0;
        foreach (var group in points.GroupBy(p => p.Table))
        {
            var sorted = group.OrderBy(p => p.RegisterAddress).ThenBy(p => p.EndAddress).ToArray();
            var best = int.MaxValue;
            for (var cuts = 0; cuts < 1 << (sorted.Length - 1); cuts++)
            {
                var blocks = 1;
                var valid = true;
                int start = sorted[0].RegisterAddress, end = sorted[0].EndAddress;
                for (var i = 1; i < sorted.Length && valid; i++)
                {
                    if ((cuts & (1 << (i - 1))) != 0)
                    {
                        blocks++;
                        start = sorted[i].RegisterAddress;
                        end = sorted[i].EndAddress;
                        continue;
                    }

                    valid = sorted[i].RegisterAddress - end <= maxGap;
                    end = Math.Max(end, sorted[i].EndAddress);
                    valid &= end - start <= (group.Key is PointTable.Coils or PointTable.DiscreteInputs ? 2000 : limit);
                }

                if (valid && sorted[0].EndAddress - sorted[0].RegisterAddress <= limit)
                {
                    best = Math.Min(best, blocks);
                }
            }

            total += best;
        }

        return total;
    }

    private static ModbusPoint RandomPoint(Random random)
    {
        PointType[] types = [PointType.U16, PointType.F32, PointType.F64, PointType.String];
        var type = types[random.Next(types.Length)];
        var table = random.Next(4) == 0 ? PointTable.HoldingRegisters : PointTable.InputRegisters;
        return Point((ushort)random.Next(0, 60), type, table, length: random.Next(1, 9));
    }

    internal static ModbusPoint Point(ushort address, PointType type, PointTable table = PointTable.InputRegisters, int length = 0) =>
        new(table, address, type, new SeriesKey("meter", [], $"p{address}"), TimeSpan.FromMinutes(1), stringLengthRegisters: length);
}
