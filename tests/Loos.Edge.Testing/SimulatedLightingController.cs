using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace Loos.Edge.Testing;

/// <summary>How the simulated controller answers a command.</summary>
public enum ControllerBehaviour
{
    /// <summary>Applies the level and reports it at once.</summary>
    Follow,

    /// <summary>Applies the level and reports it after <see cref="SimulatedLightingController.Lag"/>.</summary>
    Lag,

    /// <summary>Takes the command and does nothing: no report.</summary>
    Ignore,

    /// <summary>Reports <see cref="SimulatedLightingController.OtherLevel"/> instead of the level commanded.</summary>
    ReportOther,

    /// <summary>Disconnected from the broker: neither takes commands nor reports.</summary>
    Silent,
}

/// <summary>
/// A public-lighting controller on a real broker, as the lighting-controller preset describes one: it takes
/// <c>lighting/{controller}/{luminaire}/set</c> with <c>{"level":L}</c> and reports
/// <c>lighting/{controller}/{luminaire}/status</c> with the level, the power drawn and its own time. It can lag,
/// ignore commands, report another level or go silent.
/// </summary>
public sealed class SimulatedLightingController : IAsyncDisposable
{
    private readonly MosquittoBroker broker;
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentQueue<(DateTimeOffset At, string Luminaire, int Level)> commands = new();
    private readonly ConcurrentDictionary<string, int> levels = new();
    private readonly ConcurrentDictionary<string, bool> failedLamps = new();

    private SimulatedLightingController(MosquittoBroker broker, string name, double ratedPowerW)
    {
        this.broker = broker;
        Name = name;
        RatedPowerW = ratedPowerW;
        client.ApplicationMessageReceivedAsync += OnCommandAsync;
    }

    /// <summary>The controller's name, the <c>{controller}</c> of its topics.</summary>
    public string Name { get; }

    /// <summary>Each luminaire's power at full light, W.</summary>
    public double RatedPowerW { get; }

    public ControllerBehaviour Behaviour { get; set; } = ControllerBehaviour.Follow;

    public TimeSpan Lag { get; set; } = TimeSpan.FromSeconds(3);

    public int OtherLevel { get; set; } = 17;

    /// <summary>Every command received, in order.</summary>
    public IReadOnlyList<(DateTimeOffset At, string Luminaire, int Level)> Commands => [.. commands];

    /// <summary>Connects and subscribes to its command topics.</summary>
    public static async Task<SimulatedLightingController> StartAsync(MosquittoBroker broker, string name, double ratedPowerW = 100)
    {
        var controller = new SimulatedLightingController(broker, name, ratedPowerW);
        await controller.ConnectAsync();
        return controller;
    }

    /// <summary>The level a luminaire is at, or null before any command.</summary>
    public int? LevelOf(string luminaire) => levels.TryGetValue(luminaire, out var level) ? level : null;

    /// <summary>Waits until a command matching <paramref name="match"/> arrived.</summary>
    public async Task<(DateTimeOffset At, string Luminaire, int Level)> WaitForCommandAsync(Func<(DateTimeOffset At, string Luminaire, int Level), bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            foreach (var command in commands)
            {
                if (match(command))
                {
                    return command;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"controller {Name}: no command {what} within {timeout}; received: {string.Join(", ", commands.Select(c => $"{c.Luminaire}={c.Level}@{c.At:HH:mm:ss.fff}"))}");
    }

    /// <summary>Disconnects (<see cref="ControllerBehaviour.Silent"/>) or reconnects.</summary>
    public async Task SetSilentAsync(bool silent)
    {
        Behaviour = silent ? ControllerBehaviour.Silent : ControllerBehaviour.Follow;
        if (silent)
        {
            await client.DisconnectAsync();
        }
        else
        {
            await ConnectAsync();
        }
    }

    /// <summary>Publishes a status as the controller's own report, as it does on its own from time to time.</summary>
    public Task ReportAsync(string luminaire, int level) => PublishStatusAsync(luminaire, level);

    /// <summary>The lamp of <paramref name="luminaire"/> fails (or is replaced): reported at once with its level.</summary>
    public Task SetLampFailedAsync(string luminaire, bool failed)
    {
        failedLamps[luminaire] = failed;
        return PublishStatusAsync(luminaire, LevelOf(luminaire) ?? 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        client.Dispose();
    }

    private async Task ConnectAsync()
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId("simulated-controller-" + Name)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .Build();
        await client.ConnectAsync(options);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"lighting/{Name}/+/set", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }

    private async Task OnCommandAsync(MqttApplicationMessageReceivedEventArgs received)
    {
        var luminaire = received.ApplicationMessage.Topic.Split('/')[2];
        using var json = JsonDocument.Parse(received.ApplicationMessage.Payload.ToArray());
        var level = json.RootElement.GetProperty("level").GetInt32();
        commands.Enqueue((DateTimeOffset.UtcNow, luminaire, level));
        switch (Behaviour)
        {
            case ControllerBehaviour.Follow:
                levels[luminaire] = level;
                await PublishStatusAsync(luminaire, level);
                break;
            case ControllerBehaviour.Lag:
                levels[luminaire] = level;
                _ = Task.Delay(Lag).ContinueWith(_ => PublishStatusAsync(luminaire, level), TaskScheduler.Default);
                break;
            case ControllerBehaviour.ReportOther:
                levels[luminaire] = OtherLevel;
                await PublishStatusAsync(luminaire, OtherLevel);
                break;
        }
    }

    private async Task PublishStatusAsync(string luminaire, int level)
    {
        if (!client.IsConnected)
        {
            return;
        }

        var payload = string.Create(CultureInfo.InvariantCulture,
            $$"""{"level":{{level}},"power":{{RatedPowerW * level / 100:0.0}},"lampFailure":{{(failedLamps.GetValueOrDefault(luminaire) ? "true" : "false")}},"ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}""");
        await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"lighting/{Name}/{luminaire}/status")
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }
}
