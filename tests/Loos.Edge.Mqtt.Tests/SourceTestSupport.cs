using Loos.Edge.Core;
using Loos.Edge.Mqtt.Mapping;
using Loos.Edge.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Mqtt.Tests;

/// <summary>Keeps every appended reading; refuses with <see cref="BufferFullException"/> while <see cref="Full"/>.</summary>
internal sealed class RecordingSink : IReadingSink
{
    private readonly List<Reading> readings = [];
    private int refusals;

    public bool Full { get; set; }

    public int Refusals => Volatile.Read(ref refusals);

    /// <summary>How many appends the sink took.</summary>
    public int Appends { get; private set; }

    public IReadOnlyList<Reading> Readings
    {
        get
        {
            lock (readings)
            {
                return [.. readings];
            }
        }
    }

    public ValueTask AppendAsync(ReadOnlyMemory<Reading> batch, CancellationToken cancellationToken = default)
    {
        if (Full)
        {
            Interlocked.Increment(ref refusals);
            throw new BufferFullException { RetryAfter = TimeSpan.FromMilliseconds(100) };
        }

        lock (readings)
        {
            Appends++;
            readings.AddRange(batch.ToArray());
        }

        return ValueTask.CompletedTask;
    }
}

internal static class SourceTestSupport
{
    public const string UserName = "gateway";
    public const string Password = "s3cret:with colon";

    public static Task<MosquittoBroker> StartTlsBrokerAsync() =>
        MosquittoBroker.StartNewAsync(new MosquittoOptions { Tls = true, UserName = UserName, Password = Password });

    /// <summary>Options of the gateway's connection over TLS with the credentials file, one number subscription.</summary>
    public static MqttOptions OptionsFor(MosquittoBroker broker, string clientId)
    {
        var credentials = Path.Combine(broker.Directory, $"{clientId}.credentials");
        File.WriteAllText(credentials, $"{UserName}\n{Password}\n");
        var options = new MqttOptions
        {
            Host = "localhost",
            Port = broker.TlsPort,
            ClientId = clientId,
            CredentialsFile = credentials,
            Tls = { Enabled = true, CaFile = broker.CaFile },
            Reconnect = { MinDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500) },
            PresetDirectory = Path.Combine(broker.Directory, "presets"),
        };
        options.Subscriptions.Add(new MqttMappingOptions { Topic = "building/{device}/power", Payload = "number", Measurement = "power_meter", Field = "power", Unit = "W" });
        return options;
    }

    public static MqttSourceService CreateSource(MqttOptions options, IReadingSink sink, ISeriesCatalog catalog, TimeProvider? time = null, ILogger<MqttSourceService>? logger = null) =>
        new(options, sink, catalog, time ?? TimeProvider.System, logger ?? NullLogger<MqttSourceService>.Instance);

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>Keeps every message logged, at every level.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<string> messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (messages)
            {
                return [.. messages];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (messages)
        {
            messages.Add(formatter(state, exception));
        }
    }
}
