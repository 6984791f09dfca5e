using Loos.Edge.Core;
using Loos.Edge.Modbus.Points;
using Loos.Edge.Polling;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Buffers, series ids and health of one Modbus device, allocated once (and again when its points are discovered).</summary>
internal sealed class ModbusPolledDevice : PolledDevice
{
    private bool[][] failingBlocks = [];

    public ModbusPolledDevice(DevicePlan plan, DeviceCircuit circuit, ISeriesCatalog catalog, int[] groupEntries)
        : base(plan.Name, circuit)
    {
        Plan = plan;
        Install(plan.Groups, groupEntries, catalog);
    }

    public DevicePlan Plan { get; private set; }

    /// <summary>The back-off of a device whose discovery failed; null for a device with a static plan.</summary>
    public DeviceCircuit? DiscoveryCircuit { get; set; }

    /// <summary>The schedule entry at which a pending discovery is tried; -1 without discovery.</summary>
    public int DiscoveryEntry { get; set; } = -1;

    public bool IsDiscovered => Plan.Groups.Count > 0;

    /// <summary>The schedule entry of each group.</summary>
    public int[] GroupEntries { get; private set; } = [];

    public int PointCount { get; private set; }

    /// <summary>How many readings the device gave in the current cycle: its share of a batch the buffer refuses.</summary>
    public int CycleReadings { get; set; }

    public SeriesId[][] SeriesIds { get; private set; } = [];

    public Memory<ushort>[][] RegisterBuffers { get; private set; } = [];

    public Memory<bool>[][] BitBuffers { get; private set; } = [];

    /// <summary>Whether each block was read in the current cycle.</summary>
    public bool[][] BlockRead { get; private set; } = [];

    // Per group and point: the block holding the point's scale factor register (-1 for none) and its offset there.
    private int[][] scaleFactorBlocks = [];
    private int[][] scaleFactorOffsets = [];

    public void Install(IReadOnlyList<PointGroup> groups, int[] groupEntries, ISeriesCatalog catalog)
    {
        Plan = Plan with { Groups = groups };
        GroupEntries = groupEntries;
        SeriesIds = [.. groups.Select(g => g.Points.Take(g.EmittedCount).Select(p => catalog.Intern(p.Series)).ToArray())];
        RegisterBuffers = [.. groups.Select(g => g.Blocks.Select(b => b.IsBits ? Memory<ushort>.Empty : new ushort[b.Count]).ToArray())];
        BitBuffers = [.. groups.Select(g => g.Blocks.Select(b => b.IsBits ? new bool[b.Count] : Memory<bool>.Empty).ToArray())];
        BlockRead = [.. groups.Select(g => new bool[g.Blocks.Count])];
        failingBlocks = [.. groups.Select(g => new bool[g.Blocks.Count])];
        PointCount = groups.Sum(g => g.EmittedCount);
        scaleFactorBlocks = [.. groups.Select(g => g.Points.Select(p => FindBlock(g, p)).ToArray())];
        scaleFactorOffsets = [.. groups.Select(g => g.Points.Select(p => FindBlock(g, p) is var b and >= 0 ? p.ScaleFactorAddress!.Value - g.Blocks[b].Address : 0).ToArray())];
    }

    private static int FindBlock(PointGroup group, ModbusPoint point)
    {
        if (point.ScaleFactorAddress is not { } address)
        {
            return -1;
        }

        for (var b = 0; b < group.Blocks.Count; b++)
        {
            var block = group.Blocks[b];
            if (block.Table == point.Table && address >= block.Address && address < block.Address + block.Count)
            {
                return b;
            }
        }

        return -1;
    }

    /// <summary>Records whether a block failed; true when that changed, so it is logged once per change.</summary>
    public bool MarkBlock(int group, int block, bool failing)
    {
        var changed = failingBlocks[group][block] != failing;
        failingBlocks[group][block] = failing;
        return changed;
    }

    public int Decode(int group, int blockIndex, DateTimeOffset tick, Reading[] readings, int written)
    {
        var groupPlan = Plan.Groups[group];
        var block = groupPlan.Blocks[blockIndex];
        var ids = SeriesIds[group];
        if (block.IsBits)
        {
            var bits = BitBuffers[group][blockIndex].Span;
            for (var i = 0; i < block.Points.Count; i++)
            {
                var index = block.Points[i];
                var point = groupPlan.Points[index];
                readings[written++] = new Reading(ids[index], tick, bits[point.RegisterAddress - block.Address] ? 1 : 0);
            }
        }
        else
        {
            var registers = RegisterBuffers[group][blockIndex].Span;
            for (var i = 0; i < block.Points.Count; i++)
            {
                var index = block.Points[i];
                if (index >= groupPlan.EmittedCount)
                {
                    continue;
                }

                var point = groupPlan.Points[index];
                ushort? scaleFactor = null;
                var scaleFactorBlock = scaleFactorBlocks[group][index];
                if (scaleFactorBlock >= 0)
                {
                    // The scale factor of this cycle or none: a previous cycle's could turn a value into a wrong number.
                    if (!BlockRead[group][scaleFactorBlock])
                    {
                        readings[written++] = new Reading(ids[index], tick, double.NaN, Quality.Stale);
                        continue;
                    }

                    scaleFactor = RegisterBuffers[group][scaleFactorBlock].Span[scaleFactorOffsets[group][index]];
                }

                readings[written++] = point.TryDecode(registers[(point.RegisterAddress - block.Address)..], scaleFactor, out var value)
                    ? new Reading(ids[index], tick, value)
                    : new Reading(ids[index], tick, double.NaN, Quality.Stale);
            }
        }

        return written;
    }
}
