using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GuruConnect.Server.Hosting;

/// <summary>
/// Declares the one way to authenticate in /openapi/v1.json, so /api/docs can send a token: <c>Authorization:
/// Bearer</c> with a login JWT from <c>POST /api/auth/login</c> or a personal API token <c>gcp_…</c> (docs/api.md).
/// Public routes (login, enroll, validate, downloads) simply ignore it.
/// </summary>
internal sealed class BearerSecurityScheme : IOpenApiDocumentTransformer
{
    public const string Name = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Name] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A login token from POST /api/auth/login {username, password} (24 h), or a personal API token gcp_… from POST /api/tokens. " +
                "The viewer WebSocket takes a viewer token instead: /ws/viewer?session={id}&token={token} from POST /api/sessions/{id}/viewer-token.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Name, document)] = [] });
        return Task.CompletedTask;
    }
}
