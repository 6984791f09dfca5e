using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Lighting.Overriding;
using Loos.Edge.Lighting.Schedule;
using Loos.Edge.Modules;
using Loos.Edge.Mqtt;
using Loos.Edge.Verbs.Lighting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Lighting;

/// <summary>
/// Public lighting (section <c>lighting</c>): the astronomical clock, the crew's programmes and calendar, overrides,
/// and the dispatcher that sends each circuit its level and confirms it from the controllers' status.
/// </summary>
public sealed class LightingModule() : GatewayModule<LightingOptions>(LightingOptions.SectionName, LightingOptionsValidator.Check)
{
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
    }

    protected override bool IsEnabled(LightingOptions options, ISiteContext site) => options.IsEnabled;

    protected override void AddServices(IServiceCollection services, LightingOptions options, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        services.AddLightingOverrides(options, withTopic: site.Options<MqttOptions>().IsEnabled);
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
