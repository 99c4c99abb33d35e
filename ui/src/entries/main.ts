import "../styles/base.css";
import "../styles/main.css";
import { t } from "../i18n";
import { mount } from "../main/tabs";

document.title = t().windows.main;
mount(document.body);
