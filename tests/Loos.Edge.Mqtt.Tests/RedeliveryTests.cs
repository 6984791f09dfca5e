using System.Globalization;
using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging.Abstractions;
using static Loos.Edge.Mqtt.Tests.SourceTestSupport;

namespace Loos.Edge.Mqtt.Tests;

/// <summary>
/// Messages whose readings were durable when the gateway stopped dead, before it acknowledged them: the broker
/// delivers them again, and the real buffer must hold each reading once.
/// </summary>
public sealed class RedeliveryTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-redelivery-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Source_StoppedDeadBetweenFsyncAndAcknowledgement_EachMessageStoredOnce_AndEqualNewMessagesStoredToo()
    {
        await using var broker = await StartTlsBrokerAsync();
        var options = OptionsFor(broker, "gw-redelivery");
        string[] values = [.. Enumerable.Range(1, 20).Select(i => i.ToString(CultureInfo.InvariantCulture))];

        // The first run: its first batch reaches the disk, then the process freezes before any acknowledgement.
        var catalog = new SeriesCatalog();
        var frozen = new FreezeAfterFirstAppend(OpenBuffer(catalog));
        var first = CreateSource(options, frozen, catalog);
        await first.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => first.IsConnected, "the first connection");
        await broker.PublishLinesAsync("building/meter-1/power", values, tls: true);
        await frozen.Appended.Task.WaitAsync(TimeSpan.FromSeconds(20));
        using (var stopping = new CancellationTokenSource())
        {
            // The stop cannot finish the frozen batch; its connection stays open as a hung process's would.
            await stopping.CancelAsync();
            try
            {
                await first.StopAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // The stop gave up waiting for the frozen batch, as intended.
            }
        }

        Assert.Equal(0, first.AcknowledgedCount);
        await frozen.Buffer.DisposeAsync();

        // The next run takes the session over: the broker delivers every unacknowledged message again, flagged DUP.
        catalog = new SeriesCatalog();
        await using var buffer = OpenBuffer(catalog);
        using var source = CreateSource(options, buffer, catalog);
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => source.AcknowledgedCount >= values.Length, "the redelivered messages");

        // New messages equal to stored ones are new readings, not redeliveries.
        await broker.PublishLinesAsync("building/meter-1/power", values[..5], tls: true);
        await WaitUntilAsync(() => source.AcknowledgedCount >= values.Length + 5, "the new messages");
        await source.StopAsync(CancellationToken.None);
        frozen.Release();
        first.Dispose();

        var stored = await ReadAllAsync(buffer);
        Assert.True(frozen.FirstAppendReadings > 0);
        double[] expected = [.. Enumerable.Range(1, 20).Select(i => (double)i), .. Enumerable.Range(1, 5).Select(i => (double)i)];
        Assert.Equal(expected.Order(), stored.Select(r => r.Value).Order());
    }

    private IDurableBuffer OpenBuffer(ISeriesCatalog catalog) =>
        DurableBuffer.Open(new BufferOptions { Directory = directory }, catalog, TimeProvider.System, NullLogger.Instance);

    private static async Task<List<Reading>> ReadAllAsync(IDurableBuffer buffer)
    {
        var consumer = buffer.OpenConsumer("check");
        var readings = new List<Reading>();
        while (true)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            BufferBatch batch;
            try
            {
                batch = await consumer.ReadAsync(10_000, TimeSpan.Zero, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return readings;
            }

            if (batch.Readings.IsEmpty)
            {
                return readings;
            }

            readings.AddRange(batch.Readings.ToArray());
            await consumer.AcknowledgeAsync(batch, CancellationToken.None);
        }
    }

    /// <summary>Passes the first append to the buffer, then never returns from it: the moment after the fsync, before the acknowledgements.</summary>
    private sealed class FreezeAfterFirstAppend(IDurableBuffer buffer) : IDeliveryJournal
    {
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDurableBuffer Buffer { get; } = buffer;

        public TaskCompletionSource Appended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int FirstAppendReadings { get; private set; }

        public IReadOnlyList<ReadOnlyMemory<byte>> RecoveredDeliveryNotes => Buffer.RecoveredDeliveryNotes;

        public void Release() => release.TrySetResult();

        public ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, CancellationToken cancellationToken = default) =>
            AppendAsync(readings, ReadOnlyMemory<byte>.Empty, cancellationToken);

        public async ValueTask AppendAsync(ReadOnlyMemory<Reading> readings, ReadOnlyMemory<byte> deliveryNote, CancellationToken cancellationToken = default)
        {
            if (Appended.Task.IsCompleted)
            {
                await release.Task;
                throw new IOException("the process is gone");
            }

            await Buffer.AppendAsync(readings, deliveryNote, cancellationToken);
            FirstAppendReadings = readings.Length;
            Appended.TrySetResult();
            await release.Task;
            throw new IOException("the process is gone");
        }
    }
}
