using Loos.Edge.Core;
using Loos.Edge.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.MBus.Polling;

/// <summary>M-Bus polling (section <c>mbus</c>): heat meters and other meters on serial lines.</summary>
public sealed class MBusModule : GatewayModule<MBusOptions>
{
    public override string Section => MBusOptions.SectionName;

    protected override void Validate(MBusOptions options, ISiteContext site, ConfigurationProblems problems) =>
        problems.AddRange(MBusOptionsValidator.Check(options));

    protected override bool IsEnabled(MBusOptions options, ISiteContext site) => options.Lines.Count > 0;

    protected override void AddServices(IServiceCollection services, MBusOptions options, ISiteContext site) =>
        services.AddMBusPolling(options);
}
