using System.Globalization;
using System.Net;
using System.Text;
using Loos.Edge.Integration.Tests;
using Loos.Edge.Testing;

namespace Loos.Edge.Grafana.Tests;

/// <summary>
/// A real influxd holding what a town's gateway writes, written by the real gateway (<c>loos-edge run</c>): two weeks
/// of past readings posted to its listener as a heat meter, the outdoor sensor and an inverter send them (heat meters
/// with the M-Bus heat-meter profile's fields, a SunSpec inverter's W and WH); its simulated devices carrying two of
/// the homes and an inverter on from now; the heating series it computes from them (<c>heating: publishSeries</c>);
/// the lighting of two circuits on a real Mosquitto with simulated controllers, one of which reports another level
/// than it is sent, and a failed lamp; and the gateway's own state.
/// Home logement-01 heats within the target, logement-02 far over it, logement-03's meter has been silent for three days.
/// </summary>
public sealed class SeededTown : IAsyncLifetime
{
    public const string Database = "loos_edge";
    public const string ClientId = "gw-cite-6";
    public const int HistoryDays = 14;
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static readonly (string Name, double HeatLossWattsPerKelvin, TimeSpan SilentFor)[] Homes =
    [
        ("logement-01", 18, TimeSpan.Zero),
        ("logement-02", 60, TimeSpan.Zero),
        ("logement-03", 22, TimeSpan.FromDays(3)),
    ];

    private MosquittoBroker? broker;
    private SimulatedLightingController? north;
    private SimulatedLightingController? south;

    public InfluxdServer Influxd { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>When the seeding finished: the boards are queried as of this instant.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>Whether the gateway wrote its own state (loos_edge) before the seeding stopped waiting.</summary>
    public bool SelfMetricsArrived { get; private set; }

    public async Task InitializeAsync()
    {
        Influxd = await InfluxdServer.StartNewAsync();
        await Influxd.CreateDatabaseAsync(Database);
        broker = await MosquittoBroker.StartNewAsync();
        north = await SimulatedLightingController.StartAsync(broker, "armoire-nord");
        south = await SimulatedLightingController.StartAsync(broker, "armoire-sud");
        south.Behaviour = ControllerBehaviour.ReportOther;

        var start = DateTimeOffset.UtcNow;
        var (history, lastEnergyWattHours) = History(start);
        var site = new SiteFileBuilder { Location = (50.457, 2.793), MetricsInterval = TimeSpan.FromSeconds(5) }.WithInfluxV1("influxd", Influxd.Url, Database);
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, Paris).DateTime).AddDays(-HistoryDays);
        var yearStart = firstDay is { Month: 2, Day: 29 } ? "02-28" : firstDay.ToString("MM-dd", CultureInfo.InvariantCulture);
        site.Extra = string.Create(CultureInfo.InvariantCulture, $$"""
            simulation:
              enabled: true
              interval: 00:00:01
              inverterPeakWatts: 9000
              homes:
                - { name: {{Homes[0].Name}}, heatLossWattsPerKelvin: {{Homes[0].HeatLossWattsPerKelvin}}, initialEnergyKilowattHours: {{lastEnergyWattHours[0] / 1000:0.###}} }
                - { name: {{Homes[1].Name}}, heatLossWattsPerKelvin: {{Homes[1].HeatLossWattsPerKelvin}}, initialEnergyKilowattHours: {{lastEnergyWattHours[1] / 1000:0.###}} }
            heating:
              yearStart: "{{yearStart}}"
              tariffEurPerKwh: 0.10
              fixedEurPerYear: 50
              djuNormal: 2000
              targetEur: 150
              publishSeries: true
              publishInterval: 00:00:02
            {{SiteFileBuilder.LightingMqttSection(broker.Port, ClientId)}}
            lighting:
              requireClockSync: false
              confirmTimeout: 00:00:10
              resendMaxDelay: 00:00:10
              minimumBurnTime: 00:00:00
              circuits:
                - { name: rue-basly, controller: armoire-nord, luminaires: [l01, l02], ratedPowerW: 200 }
                - { name: rue-lamartine, controller: armoire-sud, luminaires: [l01], ratedPowerW: 100 }
              programmes:
                - name: semaine
                  steps:
                    - { at: sunset, level: 100 }
                    - { at: "00:30", level: 50 }
                    - { at: "05:00", level: 70 }
                    - { at: sunrise, level: 0 }
              calendar:
                - { programme: semaine }
            """);
        Gateway = await GatewayProcess.StartAsync(site);

        var (status, body, response) = await Gateway.PostAsync(history);
        response.Dispose();
        Assert.True(status == HttpStatusCode.NoContent, $"the listener refused the history: {(int)status} {body}");

        // Every home's heating, the night before's lighting, a confirmed command, the circuit that does not follow.
        await WaitForAsync("SELECT last(\"status_code\") FROM \"heating\" GROUP BY \"home\"", series => series.Count == Homes.Length, "the heating of the three homes");
        await WaitForAsync("SELECT count(\"kwh\") FROM \"heating_daily\" WHERE \"home\" = 'logement-03'", series => series.Count == 1, "logement-03's days");
        await WaitForAsync("SELECT count(\"lit_hours\") FROM \"lighting_night\" GROUP BY \"circuit\"", series => series.Count == 2, "last night's lighting");
        await WaitForAsync("SELECT count(\"level\") FROM \"lighting_command\" WHERE \"outcome\" = 'confirmed'", series => series.Count == 1, "a confirmed command");

        // The crew switches rue-lamartine off; its controller reports another level: lit inside its extinction window.
        var address = Gateway.HealthUrl.Authority;
        var added = await GatewayProcess.RunCliAsync("lighting", "override", "add", "--circuit", "rue-lamartine", "--level", "0", "--until", "+2h", "--reason", "travaux", "--address", address);
        Assert.True(added.ExitCode == 0, added.Error);
        await north.SetLampFailedAsync("l02", failed: true);
        await WaitForAsync("SELECT count(\"level\") FROM \"lighting_command\" WHERE \"outcome\" = 'not-following' AND \"level\" = 0", series => series.Count == 1, "rue-lamartine not following its 0 %");
        await WaitForAsync("SELECT count(\"lamp_failure\") FROM \"lighting\" WHERE \"lamp_failure\" = true", series => series.Count == 1, "the failed lamp");

        // The gateway's own state, every 5 s here: two points, so that counters have moved between them.
        SelfMetricsArrived = await TryWaitForAsync("SELECT count(\"uptime_seconds\") FROM \"loos_edge\"", series => series.Count == 1 && series[0].Values[0][1].GetInt64() >= 2, TimeSpan.FromSeconds(30));
        Now = DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// The past two weeks, hour by hour, as the field devices would have sent them: each home's heat meter (counter,
    /// power, flow, supply and return temperatures), the outdoor temperature and the school's inverter. Returns the
    /// line protocol and each home's last counter, Wh.
    /// </summary>
    private static (string Lines, double[] LastEnergyWattHours) History(DateTimeOffset now)
    {
        var lines = new StringBuilder();
        var energy = new double[Homes.Length];
        var volume = new double[Homes.Length];
        var inverterWattHours = 1_250_000.0;
        var first = TimeZoneInfo.ConvertTimeToUtc(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Paris).DateTime).AddDays(-HistoryDays).ToDateTime(TimeOnly.MinValue), Paris);
        var end = now - TimeSpan.FromMinutes(1);
        for (var t = new DateTimeOffset(first, TimeSpan.Zero); t < end; t += TimeSpan.FromHours(1))
        {
            var local = TimeZoneInfo.ConvertTime(t, Paris);
            var day = (int)(t - first).TotalDays;
            var outdoor = 3 + (day % 5) + (4 * Math.Cos(2 * Math.PI * (local.Hour - 15) / 24));
            var ms = t.ToUnixTimeMilliseconds();
            lines.Append(CultureInfo.InvariantCulture, $"weather,sensor=outdoor,unit=°C temperature={outdoor:0.00} {ms}\n");
            for (var h = 0; h < Homes.Length; h++)
            {
                var (name, loss, silentFor) = Homes[h];
                var power = loss * Math.Max(0, 18 - outdoor);
                var supply = 35 + (0.8 * Math.Max(0, 18 - outdoor));
                var difference = 8.0;
                var flow = power / (1163 * difference); // water: 1.163 Wh per litre and kelvin, so m³/h
                energy[h] += power;
                volume[h] += flow;
                if (t < end - silentFor)
                {
                    // As the M-Bus heat-meter profile writes them: one series per field, with its unit.
                    foreach (var (field, unit, value) in new[] { ("energy", "Wh", energy[h]), ("volume", "m³", volume[h]), ("power", "W", power), ("flow", "m³/h", flow), ("supply_temperature", "°C", supply), ("return_temperature", "°C", supply - difference), ("temperature_difference", "K", difference) })
                    {
                        lines.Append(CultureInfo.InvariantCulture, $"heat_meter,home={name},device=compteur-{name[^2..]},unit={unit} {field}={value:0.0###} {ms}\n");
                    }
                }
            }

            var sunHours = local.Hour - 8;
            var inverterWatts = sunHours is >= 0 and <= 8 ? 6000 * Math.Sin(Math.PI * sunHours / 8) * (0.6 + (0.1 * (day % 4))) : 0;
            inverterWattHours += inverterWatts;
            lines.Append(CultureInfo.InvariantCulture, $"inverter,device=pv-ecole-basly,building=ecole-basly,unit=W W={inverterWatts:0.0} {ms}\n");
            lines.Append(CultureInfo.InvariantCulture, $"inverter,device=pv-ecole-basly,building=ecole-basly,unit=Wh WH={inverterWattHours:0.0} {ms}\n");
        }

        return (lines.ToString(), energy);
    }

    private async Task WaitForAsync(string query, Func<IReadOnlyList<InfluxSeries>, bool> done, string what)
    {
        if (!await TryWaitForAsync(query, done, TimeSpan.FromSeconds(60)))
        {
            Assert.Fail($"the gateway never wrote {what} ({query}):\n{Gateway.Tail()}");
        }
    }

    private async Task<bool> TryWaitForAsync(string query, Func<IReadOnlyList<InfluxSeries>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (done(await Influxd.QueryAsync(Database, query)))
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    public async Task DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        foreach (var controller in new[] { north, south })
        {
            if (controller is not null)
            {
                await controller.DisposeAsync();
            }
        }

        if (broker is not null)
        {
            await broker.DisposeAsync();
        }

        if (Influxd is not null)
        {
            await Influxd.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SeededTownCollection : ICollectionFixture<SeededTown>
{
    public const string Name = "seeded town";
}
