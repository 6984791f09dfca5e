using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Verbs.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Mqtt;

/// <summary>The MQTT source (section <c>mqtt</c>): subscriptions to a broker, mapped into readings.</summary>
public sealed class MqttModule() : GatewayModule<MqttOptions>(MqttOptions.SectionName, MqttOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, MqttOptions options) => section.Bind(options);

    protected override void Prepare(MqttOptions options, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        options.ResolvePaths(site.ResolvePath);

        // Each gateway keeps its own MQTT session: the client id defaults to the site's name.
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            options.ClientId = "loos-edge-" + string.Concat(site.Name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));
        }
    }

    protected override bool IsEnabled(MqttOptions options, ISiteContext site) => options.IsEnabled;

    protected override IEnumerable<IDoctorCheck> CreateChecks(MqttOptions options, ISiteContext site, DoctorContext doctor) => [MqttCommissioning.BrokerCheck(options)];

    protected override IEnumerable<IDeviceTest> CreateDeviceTests(MqttOptions options, ISiteContext site) =>
        options.Subscriptions.Count > 0 ? [MqttCommissioning.SubscriptionTest(options)] : [];

    protected override void AddServices(IServiceCollection services, MqttOptions options, ISiteContext site) =>
        services.AddMqttSource(options);

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [MqttCommand.Create(context)];
}
