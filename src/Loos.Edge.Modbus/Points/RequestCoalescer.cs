namespace Loos.Edge.Modbus.Points;

/// <summary>One read request covering several points of one table.</summary>
/// <param name="Table">The table read.</param>
/// <param name="Address">The first register (or bit) read.</param>
/// <param name="Count">How many registers (or bits) are read.</param>
/// <param name="Points">Indices of the points the block covers, in the list given to <see cref="RequestCoalescer.Coalesce"/>.</param>
public sealed record ReadBlock(PointTable Table, ushort Address, int Count, IReadOnlyList<int> Points)
{
    /// <summary>Whether the block reads bits (coils, discrete inputs) rather than registers.</summary>
    public bool IsBits => Table is PointTable.Coils or PointTable.DiscreteInputs;
}

/// <summary>Groups points into as few read requests as a device allows.</summary>
public static class RequestCoalescer
{
    /// <summary>The most registers one read returns (MODBUS Application Protocol v1.1b3 §6.3, §6.4: 1 to 125).</summary>
    public const int MaxRegistersPerRequest = 125;

    /// <summary>The most bits one read returns (MODBUS Application Protocol v1.1b3 §6.1, §6.2: 1 to 2000).</summary>
    public const int MaxBitsPerRequest = 2000;

    /// <summary>
    /// Splits <paramref name="points"/> into read blocks: one table per block, at most
    /// <paramref name="maxRegistersPerRequest"/> registers (and 125; 2000 bits for bit tables), unused registers (or
    /// bits) between two points read only up to <paramref name="maxGapRegisters"/>, and each point in exactly one
    /// block, never split. Among the ways to cut the address-sorted points into consecutive runs, the one with the
    /// fewest blocks (then the fewest registers read) is chosen. Blocks come in table then address order.
    /// </summary>
    /// <param name="points">The points, typically those of one device polled at one interval.</param>
    /// <param name="maxRegistersPerRequest">The device's limit; 125 by default.</param>
    /// <param name="maxGapRegisters">Unused registers a block may read between two points; 10 by default, 0 for devices that refuse reads of unmapped registers.</param>
    /// <exception cref="ArgumentException">A point is longer than the request limit, or a limit is out of range.</exception>
    public static IReadOnlyList<ReadBlock> Coalesce(IReadOnlyList<ModbusPoint> points, int maxRegistersPerRequest = MaxRegistersPerRequest, int maxGapRegisters = 10)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRegistersPerRequest, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRegistersPerRequest, MaxRegistersPerRequest);
        ArgumentOutOfRangeException.ThrowIfNegative(maxGapRegisters);
        var blocks = new List<ReadBlock>();
        foreach (var table in new[] { PointTable.HoldingRegisters, PointTable.InputRegisters, PointTable.Coils, PointTable.DiscreteInputs })
        {
            var limit = table is PointTable.Coils or PointTable.DiscreteInputs ? MaxBitsPerRequest : maxRegistersPerRequest;
            var indices = Enumerable.Range(0, points.Count)
                .Where(i => points[i].Table == table)
                .OrderBy(i => points[i].RegisterAddress)
                .ThenBy(i => points[i].EndAddress)
                .ToArray();
            foreach (var index in indices)
            {
                if (points[index].Count > limit)
                {
                    throw new ArgumentException($"Point {points[index]} takes {points[index].Count} registers, more than the {limit} one request may read.", nameof(points));
                }
            }

            AddBlocks(points, indices, table, limit, maxGapRegisters, blocks);
        }

        return blocks;
    }

    // Dynamic programming over the sorted points: best[j] is the cheapest cover of the first j points, where the
    // last block is some feasible run i..j-1. A run stays infeasible once it breaks a limit, so each i stops early.
    private static void AddBlocks(IReadOnlyList<ModbusPoint> points, int[] sorted, PointTable table, int limit, int maxGap, List<ReadBlock> blocks)
    {
        var n = sorted.Length;
        if (n == 0)
        {
            return;
        }

        var bestBlocks = new int[n + 1];
        var bestRegisters = new long[n + 1];
        var runStart = new int[n + 1];
        Array.Fill(bestBlocks, int.MaxValue);
        bestBlocks[0] = 0;
        for (var i = 0; i < n; i++)
        {
            if (bestBlocks[i] == int.MaxValue)
            {
                continue;
            }

            int start = points[sorted[i]].RegisterAddress;
            var end = points[sorted[i]].EndAddress;
            for (var j = i; j < n; j++)
            {
                var point = points[sorted[j]];
                if (j > i)
                {
                    if (point.RegisterAddress - end > maxGap)
                    {
                        break;
                    }

                    end = Math.Max(end, point.EndAddress);
                }

                if (end - start > limit)
                {
                    break;
                }

                // On a tie the later run start wins, so the first blocks are the full ones, as a technician expects.
                var blocksHere = bestBlocks[i] + 1;
                var registersHere = bestRegisters[i] + (end - start);
                if (blocksHere < bestBlocks[j + 1] || (blocksHere == bestBlocks[j + 1] && registersHere <= bestRegisters[j + 1]))
                {
                    bestBlocks[j + 1] = blocksHere;
                    bestRegisters[j + 1] = registersHere;
                    runStart[j + 1] = i;
                }
            }
        }

        var runs = new List<ReadBlock>();
        for (var j = n; j > 0; j = runStart[j])
        {
            var i = runStart[j];
            var members = sorted[i..j];
            var address = points[members[0]].RegisterAddress;
            var end = members.Max(m => points[m].EndAddress);
            runs.Add(new ReadBlock(table, address, end - address, members));
        }

        runs.Reverse();
        blocks.AddRange(runs);
    }
}
