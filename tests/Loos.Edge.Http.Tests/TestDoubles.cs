using Loos.Edge.Core;

namespace Loos.Edge.Http.Tests;

/// <summary>A sink that records every append, and can be held back or made full.</summary>
public sealed class RecordingSink : IReadingSink
{
    private readonly Lock gate = new();
    private readonly List<Reading[]> appends = [];

    /// <summary>When set, appends wait for it before completing.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>When set, appends throw it.</summary>
    public BufferFullException? Full { get; set; }

    public TaskCompletionSource AppendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<Reading[]> Appends
    {
        get
        {
            lock (gate)
            {
                return [.. appends];
            }
        }
    }

    public async ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default)
    {
        var copy = readings.ToArray();
        AppendStarted.TrySetResult();
        if (Full is { } full)
        {
            throw full;
        }

        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        lock (gate)
        {
            appends.Add(copy);
        }
    }
}

public sealed class TestBufferMonitor : IBufferMonitor
{
    public BufferStatistics Statistics { get; set; } = new([], 0, 0, 1 << 30, 0, 0);

    public BufferStatistics GetStatistics() => Statistics;
}

public sealed class TestForwarderMonitor : IForwarderMonitor
{
    public IReadOnlyList<TargetStatus> Targets { get; set; } = [];

    public IReadOnlyList<TargetStatus> GetTargets() => Targets;
}
