using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Polling.Tests;

public sealed class BusArbiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AcquireAsync_SlotHeld_SecondRequestWaitsUntilTheFirstIsDisposed()
    {
        var arbiter = new BusArbiter("rs485", 1, TimeSpan.Zero, new FakeTimeProvider(Start));
        var first = await arbiter.AcquireAsync(Start, CancellationToken.None);

        var second = arbiter.AcquireAsync(Start, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        first.Dispose();
        var lease = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, lease.Slot);
        lease.Dispose();
    }

    [Fact]
    public async Task AcquireAsync_QuietTime_NextRequestStartsOnlyAfterTheSilence()
    {
        var clock = new FakeTimeProvider(Start);
        var arbiter = new BusArbiter("rs485", 1, TimeSpan.FromMilliseconds(50), clock);
        (await arbiter.AcquireAsync(Start, CancellationToken.None)).Dispose();

        var next = arbiter.AcquireAsync(Start, CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(49));
        await Task.Delay(50);
        Assert.False(next.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_QuietTimeAlreadyElapsed_DoesNotWait()
    {
        var clock = new FakeTimeProvider(Start);
        var arbiter = new BusArbiter("rs485", 1, TimeSpan.FromMilliseconds(50), clock);
        (await arbiter.AcquireAsync(Start, CancellationToken.None)).Dispose();
        clock.Advance(TimeSpan.FromMilliseconds(60));

        var next = arbiter.AcquireAsync(Start, CancellationToken.None);

        Assert.True(next.IsCompletedSuccessfully);
        (await next).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_SeveralWaiting_EarliestDueGoesFirstThenArrivalOrder()
    {
        var arbiter = new BusArbiter("rs485", 1, TimeSpan.Zero, new FakeTimeProvider(Start));
        var held = await arbiter.AcquireAsync(Start, CancellationToken.None);
        var order = new List<string>();
        async Task Request(string name, DateTimeOffset due)
        {
            using var lease = await arbiter.AcquireAsync(due, CancellationToken.None);
            lock (order)
            {
                order.Add(name);
            }
        }

        var late = Request("late", Start.AddSeconds(2));
        var earlyFirst = Request("early-first", Start.AddSeconds(1));
        var earlySecond = Request("early-second", Start.AddSeconds(1));
        held.Dispose();
        await Task.WhenAll(late, earlyFirst, earlySecond).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["early-first", "early-second", "late"], order);
    }

    [Fact]
    public async Task AcquireAsync_ConcurrencyTwo_TwoRequestsOnTheBusThirdWaits()
    {
        var arbiter = new BusArbiter("gateway", 2, TimeSpan.Zero, new FakeTimeProvider(Start));
        var first = await arbiter.AcquireAsync(Start, CancellationToken.None);
        var second = await arbiter.AcquireAsync(Start, CancellationToken.None);

        var third = arbiter.AcquireAsync(Start, CancellationToken.None).AsTask();
        await Task.Delay(50);

        Assert.NotEqual(first.Slot, second.Slot);
        Assert.False(third.IsCompleted);
        second.Dispose();
        Assert.Equal(second.Slot, (await third.WaitAsync(TimeSpan.FromSeconds(5))).Slot);
        first.Dispose();
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_ThrowsAndTheSlotGoesToTheNext()
    {
        var arbiter = new BusArbiter("rs485", 1, TimeSpan.Zero, new FakeTimeProvider(Start));
        var held = await arbiter.AcquireAsync(Start, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var cancelled = arbiter.AcquireAsync(Start, cancellation.Token).AsTask();
        var next = arbiter.AcquireAsync(Start.AddSeconds(1), CancellationToken.None).AsTask();

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        held.Dispose();

        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }
}
