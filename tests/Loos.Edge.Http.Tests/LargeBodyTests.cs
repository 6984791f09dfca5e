using System.Net;
using System.Text;
using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Http.Tests;

/// <summary>Bodies within listener:maxBodyBytes, written into a real durable buffer with its default options.</summary>
public sealed class LargeBodyTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "loos-http-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Write_MillionReadingsInAbout29MegabytesWithDefaultOptions_Answers204AndEveryReadingIsInTheBuffer()
    {
        // 10,000 series × 100 seconds, 29 bytes a line: about 29 MB, more than one 16 MiB segment once buffered.
        const int SeriesCount = 10_000;
        const int Seconds = 100;
        var text = new StringBuilder(SeriesCount * Seconds * 29);
        for (var second = 0; second < Seconds; second++)
        {
            for (var home = 0; home < SeriesCount; home++)
            {
                text.Append("pv,h=").Append(home.ToString("D4")).Append(" p=").Append(((home % 1000) + 100.5).ToString("F1", System.Globalization.CultureInfo.InvariantCulture))
                    .Append(' ').Append(1_700_000_000 + second).Append('\n');
            }
        }

        var body = Encoding.ASCII.GetBytes(text.ToString());
        Assert.InRange(body.Length, 28_000_000, new ListenerOptions().MaxBodyBytes);
        IDurableBuffer? opened = null;
        await using var host = await GatewayHost.StartAsync(sink: catalog => opened = DurableBuffer.Open(new BufferOptions { Directory = directory }, catalog, TimeProvider.System, NullLogger.Instance));
        await using var buffer = opened!;
        host.Client.Timeout = TimeSpan.FromMinutes(5);

        using var response = await host.Client.PostAsync(host.ListenerUri("/api/v2/write?precision=s"), new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var consumer = buffer.OpenConsumer("check");
        var count = 0;
        var sum = 0.0;
        while (count < SeriesCount * Seconds)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var batch = await consumer.ReadAsync(100_000, TimeSpan.Zero, timeout.Token);
            foreach (var reading in batch.Readings.Span)
            {
                sum += reading.Value;
            }

            count += batch.Readings.Length;
            await consumer.AcknowledgeAsync(batch, CancellationToken.None);
        }

        Assert.Equal(SeriesCount * Seconds, count);
        Assert.Equal(0, buffer.GetStatistics().Consumers.Single(c => c.Name == "check").UnsentReadings);
        Assert.Equal(Seconds * 10 * Enumerable.Range(0, 1000).Sum(i => i + 100.5), sum, precision: 3);
    }
}
