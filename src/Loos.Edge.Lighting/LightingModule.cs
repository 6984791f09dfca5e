using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Gpio;
using Loos.Edge.Lighting.Dispatch;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Modules;
using Loos.Edge.Mqtt;
using Loos.Edge.Mqtt.Output;
using Loos.Edge.Verbs.Lighting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Lighting;

/// <summary>
/// Public lighting (section <c>lighting</c>): the astronomical clock, the crew's programmes and calendar, overrides,
/// and the dispatcher that sends each circuit its level and confirms it from the controllers' status.
/// </summary>
public sealed class LightingModule() : GatewayModule<LightingOptions>(LightingOptions.SectionName, LightingOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, LightingOptions options) => section.Bind(options);

    protected override void Prepare(LightingOptions options, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);

        // Overrides stay beside the buffer unless the section names its own file.
        options.OverridesFile = site.ResolvePath(options.OverridesFile) is { Length: > 0 } file
            ? file
            : Path.Combine(site.Options<BufferOptions>().Directory, OverrideFile.FileName);
        options.OverrideTopic ??= $"loos-edge/{site.Options<MqttOptions>().ClientId}/lighting/override";
    }

    protected override void Validate(LightingOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        base.Validate(options, site, problems);
        ProgrammeCheck.Check(options, site.Location, site.TimeZone, TimeProvider.System.GetLocalNow().Year, problems);
        CheckOutputs(options, site, problems);
    }

    /// <summary>
    /// MQTT circuits need the broker, a preset with a command, and a subscription to that preset's status (the
    /// commands are confirmed from it); relay circuits a GPIO line no pulse counter of the gpio section uses.
    /// </summary>
    private static void CheckOutputs(LightingOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        var mqtt = site.Options<MqttOptions>();
        var pulseCounters = site.Options<GpioOptions>().PulseCounters;
        var checkedPresets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Circuits.Count; i++)
        {
            var circuit = options.Circuits[i];
            var key = $"{LightingOptions.SectionName}:circuits:{i}";
            if (circuit.Kind == CircuitKind.Relay)
            {
                if (pulseCounters.FirstOrDefault(counter => counter.Pin == circuit.Pin) is { } counter)
                {
                    problems.Add($"{key}:pin", $": GPIO {circuit.Pin} is the input of pulse counter '{counter.Name}'; a relay needs a line of its own");
                }

                continue;
            }

            if (!mqtt.IsEnabled)
            {
                problems.Add($"{key}:kind", ": an mqtt circuit needs the broker of the mqtt section (mqtt:host)");
                continue;
            }

            if (!checkedPresets.Add(circuit.Preset))
            {
                continue;
            }

            var presetProblems = new List<string>();
            if (MqttCommandPreset.TryLoad(mqtt.PresetDirectory, circuit.Preset, presetProblems) is null)
            {
                problems.Add($"{key}:preset", ": " + string.Join("; ", presetProblems));
            }
            else if (!mqtt.Subscriptions.Any(s => s.Preset == circuit.Preset))
            {
                problems.Add($"{key}:preset", $": no mqtt subscription uses preset '{circuit.Preset}', so the controllers' status never reaches the gateway and no command could be confirmed; add one to mqtt:subscriptions");
            }
        }
    }

    protected override bool IsEnabled(LightingOptions options, ISiteContext site) => options.IsEnabled;

    protected override void AddServices(IServiceCollection services, LightingOptions options, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        services.AddLightingOverrides(options, withTopic: site.Options<MqttOptions>().IsEnabled).AddLightingDispatch(options, site);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (site.Options<LightingOptions>().IsEnabled)
        {
            OverrideEndpoints.Map(endpoints);
        }
    }

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [LightingCommand.Create(context)];
}
