// Criteria editor (programs/criteria.html): show only the inputs the chosen criterion needs.
// Progressive enhancement: without this file every input stays visible and the server checks.
document.addEventListener("DOMContentLoaded", () => {
  const needs = {
    immigration_status: ["statuses"],
    clb_at_least: ["number"],
    province: ["provinces"],
    years_experience_at_least: ["number"],
    member_of_organization: ["organization"],
    parent_program_participant: ["program"],
    yes_no: ["question_en", "question_fr"],
  };
  const optional = ["statuses", "provinces", "number", "organization", "program", "question_en", "question_fr"];
  document.querySelectorAll("fieldset.criterion").forEach((fieldset) => {
    const kind = fieldset.querySelector('select[name$="-kind"]');
    if (!kind) return;
    const update = () => {
      const wanted = needs[kind.value] || [];
      optional.forEach((suffix) => {
        const input = fieldset.querySelector(`[name$="-${suffix}"]`);
        const field = input && input.closest(".field");
        if (field) field.hidden = !wanted.includes(suffix);
      });
    };
    kind.addEventListener("change", update);
    update();
  });
});
